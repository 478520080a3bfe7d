package dev.kiln.sandbox.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A short name for a pod's /tmp. In a container TMPDIR is "/tmp"; here it is a folder deep in the
 * sandbox's work directory, and Python's multiprocessing (PyTorch DataLoader workers) binds Unix
 * sockets under it, whose paths may not exceed 107 bytes ("AF_UNIX path too long"). A symbolic link
 * in the host's temporary folder, named by a digest of the target, keeps them short.
 */
final class ShortTmp {
  /** Longer than this and a socket path under the folder may not fit. */
  static final int MAX_LENGTH = 48;

  private ShortTmp() {}

  static String of(String podTmp) {
    if (podTmp.length() <= MAX_LENGTH) {
      return podTmp;
    }
    Path link = Path.of("/tmp", "kiln-tmp-" + digest(podTmp));
    try {
      Files.createSymbolicLink(link, Path.of(podTmp));
    } catch (FileAlreadyExistsException e) {
      // made by an earlier container of the same pod (a retry): it points to the same folder
    } catch (IOException e) {
      throw new UncheckedIOException("cannot link " + link + " to " + podTmp, e);
    }
    return link.toString();
  }

  private static String digest(String text) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
