package dev.kiln.loader;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code download <source-uri> <dest-dir> [--sha256 HEX]}: fetches into a staging directory and
 * moves the files into place only when all of them are complete (and the digest, if given,
 * matches), so a consumer never sees part of a download.
 */
final class Download {
  private Download() {}

  /** Downloads into dest atomically; returns the final paths of the files written. */
  static List<Path> run(String source, Path dest, String sha256, Map<String, String> env)
      throws LoaderException, IOException {
    List<Path> result = new ArrayList<>();
    try (Staging staging = new Staging(dest)) {
      List<Path> staged = fetch(source, staging.dir(), env);
      if (sha256 != null) {
        checkSha256(staged, sha256);
      }
      Path absDest = dest.toAbsolutePath().normalize();
      for (Path p : staged) {
        result.add(absDest.resolve(staging.dir().relativize(p)));
      }
      staging.commit();
    }
    return result;
  }

  private static List<Path> fetch(String source, Path into, Map<String, String> env)
      throws LoaderException, IOException {
    String lower = source.toLowerCase(Locale.ROOT);
    if (lower.startsWith("s3://")) {
      try (S3Store s3 = new S3Store(env)) {
        return s3.download(source, into);
      }
    }
    if (lower.startsWith("https://") || lower.startsWith("http://")) {
      return List.of(HttpSource.download(source, into, env));
    }
    if (lower.startsWith("pvc://")) {
      return LocalSource.copy(LocalSource.pvcPath(source, env), into, source);
    }
    if (lower.startsWith("file://")) {
      return LocalSource.copy(Path.of(URI.create(source)), into, source);
    }
    if (source.contains("://")) {
      throw Loader.usage("unsupported source scheme in " + Messages.redact(source));
    }
    return LocalSource.copy(Path.of(source), into, source);
  }

  private static void checkSha256(List<Path> staged, String sha256)
      throws LoaderException, IOException {
    if (staged.size() != 1) {
      throw new LoaderException(
          LoaderException.USAGE,
          "--sha256 applies to a single file; the source held " + staged.size());
    }
    String actual = Digests.hex(staged.get(0), "SHA-256");
    if (!actual.equals(sha256)) {
      throw new LoaderException(
          LoaderException.INTEGRITY,
          "sha256 of " + staged.get(0).getFileName() + " is " + actual + ", expected " + sha256);
    }
  }
}
