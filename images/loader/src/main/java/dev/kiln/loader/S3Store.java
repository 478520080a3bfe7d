package dev.kiln.loader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Downloads from and uploads to S3 or an S3-compatible store. Every object is checked: its size
 * against the store's, and its MD5 against a plain-MD5 ETag (downloads) or by Content-MD5
 * (uploads).
 */
final class S3Store implements AutoCloseable {
  private static final String MD5_ETAG = "[0-9a-fA-F]{32}";

  private final S3Client s3;

  S3Store(Map<String, String> env) throws LoaderException {
    this.s3 = S3Clients.fromEnv(env);
  }

  /** Downloads one object, or every object under a prefix, into {@code dir}. */
  List<Path> download(String uri, Path dir) throws LoaderException, IOException {
    S3Location loc = S3Location.parse(uri);
    try {
      if (loc.mayBeObject() && isObject(loc)) {
        Path target = dir.resolve(loc.baseName());
        getObject(loc.bucket(), loc.key(), target);
        return List.of(target);
      }
      return downloadPrefix(loc, uri, dir);
    } catch (SdkException e) {
      throw S3Errors.translate(e, loc.bucket(), uri);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Whether the key names an object; false when it is not one (it may be a prefix). */
  private boolean isObject(S3Location loc) {
    try {
      s3.headObject(b -> b.bucket(loc.bucket()).key(loc.key()));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 403) {
        // A HEAD error has no body, so no error code: a listing says which 403 it is.
        s3.listObjectsV2(b -> b.bucket(loc.bucket()).prefix(loc.key()).maxKeys(1));
      }
      if (e.statusCode() != 404) {
        throw e;
      }
      return false;
    }
  }

  private List<Path> downloadPrefix(S3Location loc, String uri, Path dir)
      throws LoaderException, IOException {
    String prefix = loc.prefix();
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
      Path target = S3Location.safeResolve(dir, relative, uri);
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
    String etag = unquoted(response.eTag());
    String encryption = response.serverSideEncryptionAsString();
    // Only a plain (or SSE-S3) single-part upload's ETag is the object's MD5.
    if (etag.matches(MD5_ETAG) && (encryption == null || "AES256".equals(encryption))) {
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
    S3Location loc = S3Location.parse(uri);
    String prefix = loc.prefix();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    if (files.isEmpty()) {
      throw new LoaderException(LoaderException.NOT_FOUND, dir + " has no files to upload");
    }
    try {
      for (Path file : files) {
        putObject(loc.bucket(), prefix + dir.relativize(file).toString().replace('\\', '/'), file);
      }
      return files.size();
    } catch (SdkException e) {
      throw S3Errors.translate(e, loc.bucket(), uri);
    }
  }

  private void putObject(String bucket, String key, Path file) throws LoaderException, IOException {
    byte[] md5 = Digests.digest(file, "MD5");
    PutObjectResponse put =
        s3.putObject(
            b -> b.bucket(bucket).key(key).contentMD5(Base64.getEncoder().encodeToString(md5)),
            RequestBody.fromFile(file));
    String etag = unquoted(put.eTag());
    if (etag.matches(MD5_ETAG) && !etag.equalsIgnoreCase(HexFormat.of().formatHex(md5))) {
      throw new LoaderException(
          LoaderException.INTEGRITY,
          "s3://" + bucket + "/" + key + ": stored ETag " + etag + " is not the file's MD5");
    }
  }

  private static String unquoted(String etag) {
    return etag == null ? "" : etag.replace("\"", "");
  }

  @Override
  public void close() {
    s3.close();
  }
}
