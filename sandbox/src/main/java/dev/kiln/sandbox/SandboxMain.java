package dev.kiln.sandbox;

import dev.kiln.sandbox.cluster.LocalImage;
import dev.kiln.sandbox.cluster.RuntimeChoice;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code sandbox [--keep-running] [--dir DIR] [--port N] [--timeout SECONDS] [--image NAME=DIR]…
 * [--runtime auto|podman|docker|process] [FILE]}: starts the sandbox (with the user's own images,
 * each from its build context; pods as containers of the engine found, else as processes), applies
 * FILE (default {@code examples/quickstart.yaml}), prints every status change and Event until each
 * TrainingJob has finished and each ModelServer is Ready, asks every Ready ModelServer for a
 * prediction, and stops (or, with {@code --keep-running}, waits for Ctrl-C so that kubectl can look
 * around). Exit code 0 when everything succeeded, 1 when something failed or the timeout passed, 2
 * for a usage or setup error (a file that is not YAML, or an object the API server refuses, naming
 * the fields).
 */
public final class SandboxMain {
  private final PrintStream out;

  private SandboxMain(PrintStream out) {
    this.out = out;
  }

  record Options(
      Path file,
      Path dir,
      int port,
      Duration timeout,
      boolean keepRunning,
      List<LocalImage> images,
      RuntimeChoice runtime) {
    static Options parse(String[] args, Path root) {
      Path file = root.resolve("examples/quickstart.yaml");
      Path dir = root.resolve("sandbox/target/sandbox");
      int port = 0;
      Duration timeout = Duration.ofMinutes(10);
      boolean keep = false;
      List<LocalImage> images = new ArrayList<>();
      RuntimeChoice runtime = RuntimeChoice.AUTO;
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.startsWith("--runtime=")) {
          runtime = runtime(a.substring("--runtime=".length()));
          continue;
        }
        switch (a) {
          case "--keep-running" -> keep = true;
          case "--dir" -> dir = Path.of(value(args, ++i, a)).toAbsolutePath();
          case "--port" -> port = number(value(args, ++i, a), a, 0, 65535);
          case "--timeout" ->
              timeout = Duration.ofSeconds(number(value(args, ++i, a), a, 1, 86400));
          case "--image" -> images.add(image(value(args, ++i, a), root));
          case "--runtime" -> runtime = runtime(value(args, ++i, a));
          case "-h", "--help" -> throw new UsageException(null);
          default -> {
            if (a.startsWith("-")) {
              throw new UsageException("unknown option " + a);
            }
            file = Path.of(a).isAbsolute() ? Path.of(a) : root.resolve(a);
          }
        }
      }
      if (!Files.isRegularFile(file) && !Files.isDirectory(file)) {
        throw new UsageException("no such file: " + file);
      }
      return new Options(file, dir, port, timeout, keep, List.copyOf(images), runtime);
    }

    private static RuntimeChoice runtime(String value) {
      try {
        return RuntimeChoice.parse(value);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--runtime " + e.getMessage());
      }
    }

    /** {@code NAME=DIR}: an image reference and its build context (relative to the repository). */
    private static LocalImage image(String value, Path root) {
      int eq = value.indexOf('=');
      String name = eq < 0 ? "" : value.substring(0, eq);
      if (eq < 0 || !name.matches("[A-Za-z0-9][A-Za-z0-9._/:-]*") || eq == value.length() - 1) {
        throw new UsageException(
            "--image needs NAME=DIR (an image reference and its build context): " + value);
      }
      Path dir = Path.of(value.substring(eq + 1));
      try {
        return Sandbox.userImage(name, dir.isAbsolute() ? dir : root.resolve(dir));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--image " + value + ": " + e.getMessage());
      }
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length) {
        throw new UsageException(option + " needs a value");
      }
      return args[i];
    }

    private static int number(String value, String option, int min, int max) {
      try {
        int n = Integer.parseInt(value);
        if (n >= min && n <= max) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new UsageException(
          option + " must be a number from " + min + " to " + max + ": " + value);
    }
  }

  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  static final String USAGE =
      """
      usage: sandbox [--keep-running] [--dir DIR] [--port N] [--timeout SECONDS]
                     [--image NAME=DIR]... [--runtime auto|podman|docker|process] [FILE]
        FILE            TrainingJobs and ModelServers to apply (default examples/quickstart.yaml);
                        a folder: each of its *.yaml files
        --image N=DIR   run the image N (repository[:tag], any registry) from the build context
                        DIR: built with the engine, or as a process (its Dockerfile's
                        ENTRYPOINT/CMD, with this machine's python3); repeatable
        --runtime R     run pods as podman or docker containers, or as processes of this
                        machine (default auto: the container engine found, else processes)
        --keep-running  stay up after the run, for kubectl (KUBECONFIG is printed); Ctrl-C stops
        --dir DIR       working folder: kubeconfig, logs, volumes (default sandbox/target/sandbox)
        --port N        API server port (default: any free port)
        --timeout S     give up after S seconds (default 600)""";

  public static void main(String[] args) {
    Path root = repositoryRoot();
    Options options;
    try {
      options = Options.parse(args, root);
    } catch (UsageException e) {
      System.err.println(
          e.getMessage() == null ? USAGE : "sandbox: " + e.getMessage() + "\n" + USAGE);
      System.exit(e.getMessage() == null ? 0 : 2);
      return;
    }
    // Before anything logs: the operator's and the simulated cluster's logs go to a file, so the
    // terminal shows only what a user watches for.
    System.setProperty("kiln.sandbox.log", options.dir().resolve("sandbox.log").toString());
    System.setProperty("logback.configurationFile", "sandbox-logback.xml");
    System.exit(new SandboxMain(System.out).run(root, options));
  }

  int run(Path root, Options options) {
    Instant start = Instant.now();
    // Read before the sandbox starts: starting empties its folder, which may hold the file.
    byte[] yaml;
    try {
      yaml = read(options.file());
    } catch (IOException e) {
      out.println("sandbox: cannot read " + options.file() + ": " + e);
      return 2;
    }
    Sandbox sandbox;
    try {
      sandbox =
          Sandbox.start(
              root,
              options.dir(),
              options.port(),
              options.images(),
              notice -> out.println("sandbox: " + notice),
              options.runtime());
    } catch (RuntimeException e) {
      out.println("sandbox: cannot start: " + e.getMessage());
      return 2;
    }
    try (SandboxStopper stopper = new SandboxStopper(sandbox, out)) {
      out.printf(
          "Kiln sandbox: API server %s, Kiln operator and simulated cluster up in %.1fs%n",
          sandbox.apiUrl(), seconds(start));
      out.println("  pods:    " + sandbox.runtime().describe());
      out.println("  kubectl: export KUBECONFIG=" + sandbox.kubeconfig());
      out.println("  logs:    " + sandbox.dir().resolve("sandbox.log"));
      out.println(
          "           " + sandbox.dir().resolve("pods") + "/<namespace>/<pod>/<container>.log");
      int code = new SandboxRun(out).run(sandbox, options.file(), yaml, options.timeout(), start);
      out.printf("%s in %.1fs.%n", code == 0 ? "Done" : "Stopped", seconds(start));
      if (options.keepRunning()) {
        out.println(
            "The sandbox keeps running; try: KUBECONFIG="
                + sandbox.kubeconfig()
                + " kubectl get tj,ms. Ctrl-C stops it.");
        stopper.awaitSignal();
      }
      return code;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  /** The file, or every *.yaml of a folder in name order (as {@code kubectl apply -f DIR}). */
  static byte[] read(Path file) throws IOException {
    if (!Files.isDirectory(file)) {
      return Files.readAllBytes(file);
    }
    List<Path> files;
    try (var list = Files.list(file)) {
      files = list.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
    StringBuilder all = new StringBuilder();
    for (Path f : files) {
      all.append("---\n").append(Files.readString(f)).append('\n');
    }
    return all.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static double seconds(Instant since) {
    return Duration.between(since, Instant.now()).toMillis() / 1000.0;
  }

  /** The repository: {@code -Dkiln.root}, else the nearest folder up from here with images/. */
  static Path repositoryRoot() {
    String configured = System.getProperty("kiln.root");
    if (configured != null) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isDirectory(dir.resolve("images")) && Files.isRegularFile(dir.resolve("mvnw"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(
        "run the sandbox from the Kiln repository (or set -Dkiln.root)");
  }
}
