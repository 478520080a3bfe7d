package dev.kiln.sandbox.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * This machine's Python, which runs the processes of the user's images in place of the image's own:
 * {@code python}, {@code python3} or {@code python3.11} (any path) is this interpreter, {@code
 * torchrun} is {@code python -m torch.distributed.run}, {@code uvicorn} and {@code gunicorn} their
 * modules, and a shell form ({@code sh -c "…"}) runs with a folder first on PATH in which those
 * names are the same. The interpreter is {@code /usr/bin/python3} (a distribution's, whose packages
 * apt installs), or {@code -Dkiln.sandbox.python} or {@code KILN_SANDBOX_PYTHON}.
 */
public final class HostPython {
  public static final String PROPERTY = "kiln.sandbox.python";
  public static final String ENV = "KILN_SANDBOX_PYTHON";
  static final String DEFAULT = "/usr/bin/python3";

  /** What a container's PATH is when its image sets none (as the container runtimes default it). */
  static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private static final Pattern PYTHON = Pattern.compile("python(\\d+(\\.\\d+)?)?");
  private static final Map<String, String> LAUNCHERS =
      Map.of("torchrun", "torch.distributed.run", "uvicorn", "uvicorn", "gunicorn", "gunicorn");
  private static final List<String> SHELLS = List.of("sh", "bash", "dash");

  private final Path interpreter;
  private final Path folder;
  private Path shims;

  /** {@code interpreter} runs the images; shims and bytecode caches go under {@code folder}. */
  public HostPython(Path interpreter, Path folder) {
    this.interpreter = interpreter;
    this.folder = folder;
  }

  /** The configured interpreter (property, then environment, then /usr/bin/python3). */
  public static Path configuredInterpreter() {
    String configured = System.getProperty(PROPERTY);
    if (configured == null || configured.isBlank()) {
      configured = System.getenv(ENV);
    }
    return Path.of(configured == null || configured.isBlank() ? DEFAULT : configured);
  }

  public Path interpreter() {
    return interpreter;
  }

  public boolean present() {
    return Files.isExecutable(interpreter);
  }

  /** The host's command for a container's command, or why the sandbox cannot run it. */
  List<String> argv(List<String> container) throws StartupError {
    String program = container.isEmpty() ? "" : container.get(0);
    String name = program.substring(program.lastIndexOf('/') + 1);
    List<String> rest = container.isEmpty() ? List.of() : container.subList(1, container.size());
    List<String> argv = new ArrayList<>();
    if (PYTHON.matcher(name).matches()) {
      argv.add(interpreter.toString());
    } else if (LAUNCHERS.containsKey(name)) {
      argv.addAll(List.of(interpreter.toString(), "-m", LAUNCHERS.get(name)));
    } else if (SHELLS.contains(name) && !rest.isEmpty() && rest.get(0).startsWith("-")) {
      argv.add(
          name.equals("bash") && Files.isExecutable(Path.of("/bin/bash"))
              ? "/bin/bash"
              : "/bin/sh");
    } else {
      throw new StartupError(
          "CreateContainerError",
          "exec: \""
              + program
              + "\": the sandbox runs your images with this machine's Python: their command must"
              + " start with python, python3, torchrun, uvicorn, gunicorn or sh -c");
    }
    argv.addAll(rest);
    return argv;
  }

  /**
   * What the sandbox adds to a Python container's environment: PATH with the shims first (so {@code
   * python} in a shell command is this interpreter), bytecode caches outside the user's folder, and
   * gloo's interface (torch.distributed) on the loopback device, where the pods' addresses are.
   * Values the pod sets itself are kept.
   */
  void addTo(Map<String, String> env) {
    env.put("PATH", shims() + ":" + env.getOrDefault("PATH", DEFAULT_PATH));
    env.putIfAbsent("PYTHONPYCACHEPREFIX", folder.resolve("pycache").toString());
    env.putIfAbsent("GLOO_SOCKET_IFNAME", loopback());
  }

  /** The folder of scripts that make python, python3, torchrun… this interpreter. */
  private synchronized Path shims() {
    if (shims != null) {
      return shims;
    }
    Path bin = folder.resolve("bin");
    try {
      Files.createDirectories(bin);
      for (String name : List.of("python", "python3")) {
        shim(bin.resolve(name), "");
      }
      for (var launcher : LAUNCHERS.entrySet()) {
        shim(bin.resolve(launcher.getKey()), " -m " + launcher.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the Python shims in " + bin, e);
    }
    shims = bin;
    return bin;
  }

  private void shim(Path file, String module) throws IOException {
    Files.writeString(file, "#!/bin/sh\nexec '" + interpreter + "'" + module + " \"$@\"\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static String loopback() {
    try {
      return NetworkInterface.networkInterfaces()
          .filter(
              i -> {
                try {
                  return i.isLoopback();
                } catch (SocketException e) {
                  return false;
                }
              })
          .map(NetworkInterface::getName)
          .findFirst()
          .orElse("lo");
    } catch (SocketException e) {
      return "lo";
    }
  }
}
