package dev.kiln.trainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Writes a file through a temporary file beside it and a rename, so a crash mid-write leaves the
 * previous content (or none) under the final name, never half of the new one.
 *
 * <p>The temporary file is created like any other file (mode 0666 less the umask, so 0644 in a
 * container), not with {@link Files#createTempFile}, whose 0600 survives the rename: a pod's {@code
 * fsGroup} lets the model server and the uploader, running as other users, read the model only when
 * the group may.
 */
final class AtomicFile {
  private AtomicFile() {}

  static void write(Path target, byte[] bytes) throws IOException {
    Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      Files.write(tmp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
