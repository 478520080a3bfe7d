package dev.kiln.loader;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3 client as the environment describes it: endpoint ({@code KILN_S3_ENDPOINT} or the AWS
 * variables; path-style addressing by default when one is set), region, and credentials: {@code
 * AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, else web identity ({@code AWS_ROLE_ARN} and
 * {@code AWS_WEB_IDENTITY_TOKEN_FILE}), else the SDK's default chain.
 */
final class S3Clients {
  /** The STS session name when AWS_ROLE_SESSION_NAME is not set: what CloudTrail shows. */
  static final String SESSION_NAME = "kiln-loader";

  private S3Clients() {}

  static S3Client fromEnv(Map<String, String> env) throws LoaderException {
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

  private static AwsCredentialsProvider credentials(Map<String, String> env)
      throws LoaderException {
    String id = env.get("AWS_ACCESS_KEY_ID");
    String secret = env.get("AWS_SECRET_ACCESS_KEY");
    if (id != null && secret != null) {
      String session = env.get("AWS_SESSION_TOKEN");
      return StaticCredentialsProvider.create(
          session == null
              ? AwsBasicCredentials.create(id, secret)
              : AwsSessionCredentials.create(id, secret, session));
    }
    String roleArn = first(env, "AWS_ROLE_ARN");
    String tokenFile = first(env, "AWS_WEB_IDENTITY_TOKEN_FILE");
    if (roleArn != null && tokenFile != null) {
      return webIdentity(roleArn, Path.of(tokenFile), first(env, "AWS_ROLE_SESSION_NAME"));
    }
    // Profiles, container credentials (EKS Pod Identity, ECS) and instance credentials.
    return DefaultCredentialsProvider.builder().build();
  }

  /**
   * The role assumed with the service account's token (IRSA, or any cluster whose tokens an IAM
   * OIDC provider trusts): STS's AssumeRoleWithWebIdentity, the token re-read at each refresh; the
   * STS endpoint and region come from the SDK's own settings (AWS_ENDPOINT_URL_STS, AWS_REGION).
   * Chosen here, not left to the default chain, so that a refused token is reported as such instead
   * of the chain going on to other sources (such as the node's own role).
   */
  private static AwsCredentialsProvider webIdentity(
      String roleArn, Path tokenFile, String sessionName) throws LoaderException {
    if (!Files.isReadable(tokenFile)) {
      throw new LoaderException(
          LoaderException.ACCESS_DENIED,
          "cannot read the web identity token: AWS_WEB_IDENTITY_TOKEN_FILE names "
              + tokenFile
              + (Files.exists(tokenFile) ? ", which is not readable" : ", which does not exist")
              + "; is the service account token volume mounted in this container?");
    }
    return WebIdentityTokenFileCredentialsProvider.builder()
        .roleArn(roleArn)
        .webIdentityTokenFile(tokenFile)
        .roleSessionName(sessionName == null ? SESSION_NAME : sessionName)
        .build();
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
