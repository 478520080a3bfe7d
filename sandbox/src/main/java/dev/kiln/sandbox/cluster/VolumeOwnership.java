package dev.kiln.sandbox.cluster;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the kubelet does to a volume for a pod's {@code fsGroup} before a container mounts it
 * (Kubernetes' {@code SetVolumeOwnership}): every file and folder gets the group, group read and
 * write (read only for a read-only volume), folders also group search and set-gid so that new files
 * inherit the group. Symbolic links are left alone. Only root may give a file to another group: a
 * sandbox that is not root opens the volume to every user instead, so the container's user can
 * still use it.
 */
final class VolumeOwnership {
  private static final int RW = 0660;
  private static final int RO = 0440;
  private static final int EXEC = 0110;
  private static final int SETGID = 02000;
  private static final int ALL = 0777;
  private static final int ALL_FILES = 0666;

  private VolumeOwnership() {}

  /** Gives {@code root} and everything in it to {@code fsGroup}. */
  static void apply(Path root, long fsGroup, boolean readOnly) throws IOException {
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(root)) {
      paths = walk.filter(p -> !Files.isSymbolicLink(p)).toList();
    }
    for (Path p : paths) {
      boolean dir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
      int mode = mode(p);
      try {
        Files.setAttribute(p, "unix:gid", (int) fsGroup, LinkOption.NOFOLLOW_LINKS);
        int mask = (readOnly ? RO : RW) | (dir ? SETGID | EXEC : 0);
        setMode(p, mode | mask);
      } catch (FileSystemException e) { // not root: open it to every user instead
        setMode(p, mode | (dir ? ALL : ALL_FILES));
      }
    }
  }

  /** An emptyDir's folder: the kubelet creates it writable by every user. */
  static void openToAll(Path dir) throws IOException {
    setMode(dir, mode(dir) | ALL);
  }

  /** A subPath's folder, created as the kubelet does: with its volume's permissions. */
  static Path subPath(Path volume, Path sub) throws IOException {
    if (!Files.isDirectory(sub)) {
      Files.createDirectories(sub);
      setMode(sub, mode(volume));
    }
    return sub;
  }

  static int mode(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
  }

  private static void setMode(Path p, int mode) throws IOException {
    Files.setAttribute(p, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
  }
}
