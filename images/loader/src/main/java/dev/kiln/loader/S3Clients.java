package dev.kiln.loader;

import java.net.URI;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3 client as the environment describes it: endpoint ({@code KILN_S3_ENDPOINT} or the AWS
 * variables; path-style addressing by default when one is set), region, and credentials from {@code
 * AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY} or the default chain.
 */
final class S3Clients {
  private S3Clients() {}

  static S3Client fromEnv(Map<String, String> env) {
    String endpoint = first(env, "KILN_S3_ENDPOINT", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL");
    String region = first(env, "AWS_REGION", "AWS_DEFAULT_REGION");
    String pathStyle = env.get("KILN_S3_PATH_STYLE");
    boolean forcePathStyle =
        pathStyle == null ? endpoint != null : Boolean.parseBoolean(pathStyle.trim());
    var builder =
        S3Client.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .region(Region.of(region == null ? "us-east-1" : region))
            .credentialsProvider(credentials(env))
            .forcePathStyle(forcePathStyle)
            // Checked here instead (size, MD5 ETag, optional sha256); keeps S3-compatible stores
            // that lack the newer CRC trailers working.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    if (endpoint != null) {
      builder.endpointOverride(URI.create(endpoint));
    }
    return builder.build();
  }

  private static AwsCredentialsProvider credentials(Map<String, String> env) {
    String id = env.get("AWS_ACCESS_KEY_ID");
    String secret = env.get("AWS_SECRET_ACCESS_KEY");
    if (id != null && secret != null) {
      String session = env.get("AWS_SESSION_TOKEN");
      return StaticCredentialsProvider.create(
          session == null
              ? AwsBasicCredentials.create(id, secret)
              : AwsSessionCredentials.create(id, secret, session));
    }
    // Profiles, web identity (IRSA), container and instance credentials.
    return DefaultCredentialsProvider.builder().build();
  }

  private static String first(Map<String, String> env, String... names) {
    for (String n : names) {
      String v = env.get(n);
      if (v != null && !v.isBlank()) {
        return v.trim();
      }
    }
    return null;
  }
}
