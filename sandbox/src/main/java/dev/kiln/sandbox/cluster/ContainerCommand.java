package dev.kiln.sandbox.cluster;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The process a container becomes: the image's ENTRYPOINT and CMD replaced by the container's
 * {@code command} and the container's arguments as Kubernetes does, the image's ENV under the
 * container's environment, and every path on a mount moved into the container's root. {@code java}
 * is this JDK's; a memory limit becomes the JVM's view of the machine's RAM, as it is in a
 * container.
 */
record ContainerCommand(List<String> argv, Map<String, String> env, Path workdir) {

  /** Environment the sandbox adds because it has no mount or network namespace (documented). */
  static final String TERMINATION_LOG = "KILN_TERMINATION_LOG";

  static final String HOST = "KILN_HOST";

  static ContainerCommand of(
      Container c,
      LocalImage image,
      Map<String, String> resolvedEnv,
      ContainerRoot root,
      String podName,
      String podIp,
      Path terminationLog)
      throws StartupError {
    Map<String, String> env = new LinkedHashMap<>(image.env());
    env.putAll(resolvedEnv);
    env.putIfAbsent(HOST, podIp);
    env.put("HOSTNAME", podName);
    env.replaceAll((k, v) -> root.map(v));
    // The kubelet owns the termination message file, as it owns /dev/termination-log.
    env.put(TERMINATION_LOG, terminationLog.toString());

    List<String> argv = new ArrayList<>();
    boolean ownCommand = c.getCommand() != null && !c.getCommand().isEmpty();
    if (ownCommand) {
      c.getCommand().forEach(a -> argv.add(ContainerEnvironment.expand(a, resolvedEnv)));
    } else {
      argv.addAll(image.entrypoint());
    }
    if (c.getArgs() != null && !c.getArgs().isEmpty()) {
      c.getArgs().forEach(a -> argv.add(ContainerEnvironment.expand(a, resolvedEnv)));
    } else if (!ownCommand) {
      argv.addAll(image.cmd());
    }
    argv.replaceAll(root::map);
    if (argv.isEmpty() || !argv.get(0).equals("java")) {
      throw new StartupError(
          "CreateContainerError",
          "exec: \""
              + (argv.isEmpty() ? "" : argv.get(0))
              + "\": the sandbox runs the reference images' java programs only");
    }
    argv.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> jvm = new ArrayList<>();
    String tmp = root.map("/tmp");
    if (!tmp.equals("/tmp")) {
      jvm.add("-Djava.io.tmpdir=" + tmp);
    }
    memoryLimit(c).ifPresent(bytes -> jvm.add("-XX:MaxRAM=" + bytes));
    argv.addAll(1, jvm);

    Path workdir =
        c.getWorkingDir() != null ? Path.of(root.map(c.getWorkingDir())) : image.workdir();
    return new ContainerCommand(List.copyOf(argv), env, workdir);
  }

  private static java.util.Optional<Long> memoryLimit(Container c) {
    if (c.getResources() == null || c.getResources().getLimits() == null) {
      return java.util.Optional.empty();
    }
    Quantity memory = c.getResources().getLimits().get("memory");
    return memory == null
        ? java.util.Optional.empty()
        : java.util.Optional.of(Quantity.getAmountInBytes(memory).longValue());
  }
}
