package dev.kiln.loader;

import java.nio.file.Path;

/** {@code s3://bucket/key}: a key names one object, or with a trailing slash a prefix. */
record S3Location(String bucket, String key) {
  static S3Location parse(String uri) throws LoaderException {
    String rest = uri.substring("s3://".length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String key = slash < 0 ? "" : rest.substring(slash + 1);
    if (bucket.isEmpty()) {
      throw new LoaderException(LoaderException.USAGE, "no bucket in " + uri);
    }
    return new S3Location(bucket, key);
  }

  /** The key read as a "directory": empty, or ending in a slash. */
  String prefix() {
    return key.isEmpty() || key.endsWith("/") ? key : key + "/";
  }

  /** The key names a single object (it may still turn out to be a prefix). */
  boolean mayBeObject() {
    return !key.isEmpty() && !key.endsWith("/");
  }

  String baseName() {
    int slash = key.lastIndexOf('/');
    return slash < 0 ? key : key.substring(slash + 1);
  }

  /** Where an object under the prefix goes in {@code dir}; never outside it. */
  static Path safeResolve(Path dir, String relative, String uri) throws LoaderException {
    Path target = dir.resolve(relative).normalize();
    if (!target.startsWith(dir)) {
      throw new LoaderException(
          LoaderException.INTEGRITY,
          uri + ": refusing object name '" + relative + "' outside the target");
    }
    return target;
  }
}
