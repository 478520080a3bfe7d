package dev.kiln.loader;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Sources on a mounted file system: a local path, {@code file://}, or {@code pvc://claim/path} (the
 * claim mounted under {@code KILN_PVC_ROOT}). A file is copied, a directory copied whole; each
 * copy's size is checked.
 */
final class LocalSource {
  static final String DEFAULT_PVC_ROOT = "/mnt/pvc";

  private LocalSource() {}

  /** Where {@code pvc://claim/path} is mounted; the path may not leave the claim's mount. */
  static Path pvcPath(String source, Map<String, String> env) throws LoaderException {
    String rest = source.substring("pvc://".length());
    int slash = rest.indexOf('/');
    String claim = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "" : rest.substring(slash + 1);
    if (claim.isEmpty()) {
      throw Loader.usage("no claim name in " + source);
    }
    Path root = Path.of(env.getOrDefault("KILN_PVC_ROOT", DEFAULT_PVC_ROOT)).toAbsolutePath();
    Path claimRoot = root.resolve(claim).normalize();
    Path resolved = claimRoot.resolve(path).normalize();
    if (!claimRoot.startsWith(root) || !resolved.startsWith(claimRoot)) {
      throw new LoaderException(LoaderException.USAGE, source + " leaves the claim's mount");
    }
    if (!Files.isDirectory(claimRoot)) {
      throw new LoaderException(
          LoaderException.NOT_FOUND,
          "claim '" + claim + "' is not mounted at " + claimRoot + " (KILN_PVC_ROOT=" + root + ")");
    }
    return resolved;
  }

  /** Copies a file or a directory tree into {@code into}; returns the files written. */
  static List<Path> copy(Path from, Path into, String source) throws LoaderException, IOException {
    if (!Files.exists(from)) {
      throw new LoaderException(
          LoaderException.NOT_FOUND, "nothing at " + source + " (" + from + ")");
    }
    List<Path> files = new ArrayList<>();
    if (Files.isRegularFile(from)) {
      Path target = into.resolve(from.getFileName().toString());
      copyChecked(from, target);
      files.add(target);
      return files;
    }
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            Files.createDirectories(into.resolve(from.relativize(dir).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (attrs.isRegularFile()) {
              Path target = into.resolve(from.relativize(file).toString());
              copyChecked(file, target);
              files.add(target);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    return files;
  }

  private static void copyChecked(Path from, Path to) throws IOException {
    long expected = Files.size(from);
    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    if (Files.size(to) != expected) {
      throw new IOException(
          "copy of " + from + " is " + Files.size(to) + " bytes, expected " + expected);
    }
  }
}
