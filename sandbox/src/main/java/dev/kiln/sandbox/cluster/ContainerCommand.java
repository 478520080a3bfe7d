package dev.kiln.sandbox.cluster;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The process a container becomes: the image's ENTRYPOINT and CMD replaced by the container's
 * {@code command} and the container's arguments as Kubernetes does, the image's ENV under the
 * container's environment, and every value moved onto this machine ({@link ContainerSite#place}). A
 * reference image's {@code java} is this JDK's, and a memory limit becomes the JVM's view of the
 * machine's RAM, as it is in a container; a user's image runs with this machine's Python ({@link
 * HostPython}).
 */
record ContainerCommand(List<String> argv, Map<String, String> env, Path workdir) {

  /** Environment the sandbox adds because it has no mount or network namespace (documented). */
  static final String TERMINATION_LOG = "KILN_TERMINATION_LOG";

  static final String HOST = "KILN_HOST";

  static ContainerCommand of(
      Container c,
      LocalImage image,
      Map<String, String> resolvedEnv,
      ContainerSite site,
      HostPython python)
      throws StartupError {
    Map<String, String> env = new LinkedHashMap<>(image.env());
    env.putAll(resolvedEnv);
    env.putIfAbsent(HOST, site.podIp());
    env.put("HOSTNAME", site.hostname());
    env.replaceAll((k, v) -> site.place(v, image));
    // The kubelet owns the termination message file, as it owns /dev/termination-log.
    env.put(TERMINATION_LOG, site.terminationLog().toString());

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
    argv.replaceAll(a -> site.place(a, image));
    if (argv.isEmpty()) {
      throw new StartupError(
          "CreateContainerError", "no command specified: the image has no ENTRYPOINT or CMD");
    }
    Path workdir =
        c.getWorkingDir() != null ? Path.of(site.place(c.getWorkingDir(), image)) : image.workdir();
    String tmp = site.root().map("/tmp");
    Optional<String> mountedTmp = tmp.equals("/tmp") ? Optional.empty() : Optional.of(tmp);
    if (image.launcher() == LocalImage.Launcher.PYTHON) {
      python.addTo(env);
      mountedTmp.ifPresent(t -> env.putIfAbsent("TMPDIR", ShortTmp.of(t)));
      return new ContainerCommand(List.copyOf(python.argv(argv)), env, workdir);
    }
    return new ContainerCommand(List.copyOf(java(c, argv, mountedTmp)), env, workdir);
  }

  /** This JDK's java with the container's temporary folder and memory limit. */
  private static List<String> java(Container c, List<String> argv, Optional<String> tmp)
      throws StartupError {
    if (!argv.get(0).equals("java")) {
      throw new StartupError(
          "CreateContainerError",
          "exec: \""
              + argv.get(0)
              + "\": the sandbox runs the reference images' java programs only");
    }
    argv.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> jvm = new ArrayList<>();
    tmp.ifPresent(t -> jvm.add("-Djava.io.tmpdir=" + t));
    memoryLimit(c).ifPresent(bytes -> jvm.add("-XX:MaxRAM=" + bytes));
    argv.addAll(1, jvm);
    return argv;
  }

  private static Optional<Long> memoryLimit(Container c) {
    if (c.getResources() == null || c.getResources().getLimits() == null) {
      return Optional.empty();
    }
    Quantity memory = c.getResources().getLimits().get("memory");
    return memory == null
        ? Optional.empty()
        : Optional.of(Quantity.getAmountInBytes(memory).longValue());
  }
}
