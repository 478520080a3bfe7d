package dev.kiln.loader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Downloads from and uploads to S3 or an S3-compatible store. */
final class S3Store implements AutoCloseable {
  private final S3Client s3;

  S3Store(Map<String, String> env) {
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
    this.s3 = builder.build();
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

  record Location(String bucket, String key) {
    static Location parse(String uri) throws LoaderException {
      String rest = uri.substring("s3://".length());
      int slash = rest.indexOf('/');
      String bucket = slash < 0 ? rest : rest.substring(0, slash);
      String key = slash < 0 ? "" : rest.substring(slash + 1);
      if (bucket.isEmpty()) {
        throw new LoaderException(LoaderException.USAGE, "no bucket in " + uri);
      }
      return new Location(bucket, key);
    }
  }

  /** Downloads one object, or every object under a prefix, into {@code dir}. */
  List<Path> download(String uri, Path dir) throws LoaderException, IOException {
    Location loc = Location.parse(uri);
    try {
      if (!loc.key().isEmpty() && !loc.key().endsWith("/")) {
        HeadObjectResponse head = null;
        try {
          head = s3.headObject(b -> b.bucket(loc.bucket()).key(loc.key()));
        } catch (NoSuchKeyException e) {
          // not an object: try it as a prefix
        } catch (S3Exception e) {
          if (e.statusCode() == 403) {
            // A HEAD error has no body, so no error code: a listing says which 403 it is.
            s3.listObjectsV2(b -> b.bucket(loc.bucket()).prefix(loc.key()).maxKeys(1));
          }
          if (e.statusCode() != 404) {
            throw e;
          }
        }
        if (head != null) {
          Path target = dir.resolve(baseName(loc.key()));
          getObject(loc.bucket(), loc.key(), target);
          return List.of(target);
        }
      }
      String prefix = loc.key().isEmpty() || loc.key().endsWith("/") ? loc.key() : loc.key() + "/";
      List<S3Object> objects = new ArrayList<>();
      s3.listObjectsV2Paginator(
              ListObjectsV2Request.builder().bucket(loc.bucket()).prefix(prefix).build())
          .contents()
          .forEach(objects::add);
      List<Path> files = new ArrayList<>();
      for (S3Object o : objects) {
        String relative = o.key().substring(prefix.length());
        if (relative.isEmpty() || relative.endsWith("/")) {
          continue; // "directory" marker objects
        }
        Path target = safeResolve(dir, relative, uri);
        Files.createDirectories(target.getParent());
        getObject(loc.bucket(), o.key(), target);
        files.add(target);
      }
      if (files.isEmpty()) {
        throw new LoaderException(
            LoaderException.NOT_FOUND,
            "nothing at " + uri + ": no such object and no objects under it");
      }
      return files;
    } catch (SdkException e) {
      throw translate(e, loc.bucket(), uri);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private void getObject(String bucket, String key, Path target)
      throws IOException, LoaderException {
    GetObjectResponse response;
    try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(key))) {
      response = in.response();
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
    long size = Files.size(target);
    if (response.contentLength() != null && response.contentLength() != size) {
      throw new LoaderException(
          LoaderException.INTEGRITY,
          "s3://"
              + bucket
              + "/"
              + key
              + ": got "
              + size
              + " bytes, the store said "
              + response.contentLength());
    }
    String etag = response.eTag() == null ? "" : response.eTag().replace("\"", "");
    boolean md5Etag =
        etag.matches("[0-9a-fA-F]{32}")
            && (response.serverSideEncryptionAsString() == null
                || "AES256".equals(response.serverSideEncryptionAsString()));
    if (md5Etag) {
      String md5 = Digests.hex(target, "MD5");
      if (!md5.equalsIgnoreCase(etag)) {
        throw new LoaderException(
            LoaderException.INTEGRITY,
            "s3://" + bucket + "/" + key + ": MD5 " + md5 + " does not match the ETag " + etag);
      }
    }
  }

  /** Uploads every regular file under {@code dir} to the prefix, each checked by Content-MD5. */
  int upload(Path dir, String uri) throws LoaderException, IOException {
    Location loc = Location.parse(uri);
    String prefix = loc.key().isEmpty() || loc.key().endsWith("/") ? loc.key() : loc.key() + "/";
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    if (files.isEmpty()) {
      throw new LoaderException(LoaderException.NOT_FOUND, dir + " has no files to upload");
    }
    try {
      for (Path file : files) {
        String key = prefix + dir.relativize(file).toString().replace('\\', '/');
        byte[] md5 = Digests.digest(file, "MD5");
        PutObjectResponse put =
            s3.putObject(
                b ->
                    b.bucket(loc.bucket())
                        .key(key)
                        .contentMD5(Base64.getEncoder().encodeToString(md5)),
                RequestBody.fromFile(file));
        String etag = put.eTag() == null ? "" : put.eTag().replace("\"", "");
        if (etag.matches("[0-9a-fA-F]{32}")
            && !etag.equalsIgnoreCase(HexFormat.of().formatHex(md5))) {
          throw new LoaderException(
              LoaderException.INTEGRITY,
              "s3://"
                  + loc.bucket()
                  + "/"
                  + key
                  + ": stored ETag "
                  + etag
                  + " is not the file's MD5");
        }
      }
      return files.size();
    } catch (SdkException e) {
      throw translate(e, loc.bucket(), uri);
    }
  }

  static LoaderException translate(SdkException e, String bucket, String uri) {
    if (e instanceof S3Exception s3e) {
      String code =
          s3e.awsErrorDetails() == null ? "" : String.valueOf(s3e.awsErrorDetails().errorCode());
      switch (code) {
        case "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken" -> {
          return new LoaderException(
              LoaderException.ACCESS_DENIED,
              "bucket '"
                  + bucket
                  + "' rejected the credentials ("
                  + code
                  + "): check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the job's secret");
        }
        case "AccessDenied", "AllAccessDisabled" -> {
          return new LoaderException(
              LoaderException.ACCESS_DENIED,
              "access denied to bucket '"
                  + bucket
                  + "' ("
                  + uri
                  + "): the credentials lack permission");
        }
        case "NoSuchBucket" -> {
          return new LoaderException(
              LoaderException.NOT_FOUND, "bucket '" + bucket + "' does not exist");
        }
        case "NoSuchKey" -> {
          return new LoaderException(LoaderException.NOT_FOUND, "no object at " + uri);
        }
        default -> {
          if (s3e.statusCode() == 403) {
            return new LoaderException(
                LoaderException.ACCESS_DENIED,
                "access denied to bucket '" + bucket + "' (" + code + ")");
          }
          return new LoaderException(
              LoaderException.IO,
              "S3 error on bucket '" + bucket + "': HTTP " + s3e.statusCode() + " " + code);
        }
      }
    }
    String message = firstLine(e.getMessage());
    if (e instanceof SdkClientException
        && message.toLowerCase(Locale.ROOT).contains("credentials")) {
      return new LoaderException(
          LoaderException.ACCESS_DENIED,
          "no usable credentials for bucket '"
              + bucket
              + "': set AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or a service account role");
    }
    return new LoaderException(
        LoaderException.IO, "cannot reach the store for bucket '" + bucket + "': " + message);
  }

  static Path safeResolve(Path dir, String relative, String uri) throws LoaderException {
    Path target = dir.resolve(relative).normalize();
    if (!target.startsWith(dir)) {
      throw new LoaderException(
          LoaderException.INTEGRITY,
          uri + ": refusing object name '" + relative + "' outside the target");
    }
    return target;
  }

  static String baseName(String key) {
    int slash = key.lastIndexOf('/');
    return slash < 0 ? key : key.substring(slash + 1);
  }

  static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
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

  @Override
  public void close() {
    s3.close();
  }
}
