package dev.kiln.loader;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A temporary directory on the destination's file system that becomes the destination only when
 * everything in it is complete. If the destination does not exist the staging directory sits beside
 * it and is renamed onto it; if it exists (often a volume mount point, which cannot be renamed) the
 * staging directory sits inside it and each top-level entry is renamed into place. Either way no
 * half-written file ever appears under its final name.
 */
final class Staging implements AutoCloseable {
  private final Path dest;
  private final Path dir;
  private final boolean destExisted;
  private boolean committed;

  Staging(Path dest) throws IOException {
    this.dest = dest.toAbsolutePath().normalize();
    this.destExisted = Files.isDirectory(this.dest);
    if (Files.exists(this.dest) && !destExisted) {
      throw new IOException(dest + " exists and is not a directory");
    }
    Path parent = destExisted ? this.dest : this.dest.getParent();
    Files.createDirectories(parent);
    this.dir = Files.createTempDirectory(parent, ".kiln-download-");
  }

  Path dir() {
    return dir;
  }

  void commit() throws IOException {
    if (!destExisted) {
      Files.move(dir, dest, StandardCopyOption.ATOMIC_MOVE);
    } else {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
        for (Path entry : entries) {
          Path target = dest.resolve(entry.getFileName().toString());
          if (Files.isDirectory(target) && !Files.isSymbolicLink(target)) {
            deleteTree(target);
          }
          Files.move(
              entry, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Files.delete(dir);
    }
    committed = true;
  }

  @Override
  public void close() {
    if (!committed) {
      try {
        deleteTree(dir);
      } catch (IOException e) {
        System.err.println("kiln-loader: could not remove partial download " + dir);
      }
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
