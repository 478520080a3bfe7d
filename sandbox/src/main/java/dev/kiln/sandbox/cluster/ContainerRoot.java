package dev.kiln.sandbox.cluster;

import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A container's view of its mounts without a mount namespace: a folder in which every mount path is
 * a symbolic link to the volume's folder (or its subPath). An absolute path the container is given
 * (in an env value or an argument) that lies on or above a mount is rewritten into this folder, so
 * {@code /kiln/model} becomes {@code <root>/kiln/model} and {@code /mnt/pvc} (the parent of
 * per-claim mounts) a real folder holding their links. Other paths are left alone.
 */
final class ContainerRoot {
  private final Path root;
  private final List<String> mountPaths = new ArrayList<>();

  ContainerRoot(Path root, List<VolumeMount> mounts, Map<String, Path> volumes) {
    this.root = root;
    try {
      Files.createDirectories(root);
      for (VolumeMount m : mounts) {
        Path target = volumes.get(m.getName());
        if (target == null) {
          throw new IllegalArgumentException(
              "volumeMount " + m.getMountPath() + " names no volume " + m.getName());
        }
        if (m.getSubPath() != null && !m.getSubPath().isEmpty()) {
          target = target.resolve(m.getSubPath());
          Files.createDirectories(target); // the kubelet creates a missing subPath too
        }
        Path link = inside(m.getMountPath());
        Files.createDirectories(link.getParent());
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, target.toAbsolutePath());
        mountPaths.add(normalise(m.getMountPath()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lay out the mounts under " + root, e);
    }
    mountPaths.sort(Comparator.comparingInt(String::length).reversed());
  }

  /** {@code value} with a leading absolute path on or above a mount moved into this root. */
  String map(String value) {
    if (value == null) {
      return null;
    }
    int eq = value.indexOf('=');
    if (eq > 0 && !value.startsWith("/") && value.indexOf('/') > eq) {
      return value.substring(0, eq + 1) + map(value.substring(eq + 1)); // --flag=/path
    }
    if (!value.startsWith("/")) {
      return value;
    }
    String path = normalise(value);
    for (String mount : mountPaths) {
      if (path.equals(mount) || path.startsWith(mount + "/") || mount.startsWith(path + "/")) {
        return inside(path).toString();
      }
    }
    return value;
  }

  Path path() {
    return root;
  }

  private Path inside(String absolute) {
    return root.resolve(normalise(absolute).substring(1));
  }

  private static String normalise(String path) {
    String p = Path.of(path).normalize().toString();
    return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }
}
