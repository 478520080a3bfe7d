package dev.kiln.sandbox.cluster;

import java.nio.file.Path;

/**
 * Where a container runs in the sandbox, which has no mount or network namespace: its pod's host
 * name and address, its mounts as a folder of links, the cluster names it can resolve, and the file
 * that stands for its {@code /dev/termination-log}. {@link #place} moves a value the container is
 * given (an env value, an argument) onto this machine.
 */
record ContainerSite(
    String hostname, String podIp, ContainerRoot root, ClusterDns dns, Path terminationLog) {

  /**
   * {@code value} with cluster names resolved, then a path on a mount moved into the root, or else
   * a path in a folder the image copies from its build context moved to that context.
   */
  String place(String value, LocalImage image) {
    String resolved = dns.resolve(value, podIp);
    String mounted = root.map(resolved);
    if (mounted == null || !mounted.equals(resolved) || image.paths().isEmpty()) {
      return mounted;
    }
    int eq = resolved.indexOf('=');
    if (eq > 0 && !resolved.startsWith("/") && resolved.indexOf('/') > eq) {
      return resolved.substring(0, eq + 1) + place(resolved.substring(eq + 1), image);
    }
    if (!resolved.startsWith("/")) {
      return resolved;
    }
    return UserImageReader.hostFolder(Path.of(resolved).normalize().toString(), image.paths())
        .map(Path::toString)
        .orElse(resolved);
  }
}
