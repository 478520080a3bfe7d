package dev.kiln.sandbox;

import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.ModelServerPhase;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code sandbox [--keep-running] [--dir DIR] [--port N] [--timeout SECONDS] [FILE]}: starts the
 * sandbox, applies FILE (default {@code examples/quickstart.yaml}), prints every status change and
 * Event until each TrainingJob has finished and each ModelServer is Ready, asks every Ready
 * ModelServer for a prediction, and stops (or, with {@code --keep-running}, waits for Ctrl-C so
 * that kubectl can look around). Exit code 0 when everything succeeded, 1 when something failed or
 * the timeout passed, 2 for a usage or setup error (a file that is not YAML, or an object the API
 * server refuses, naming the fields).
 */
public final class SandboxMain {
  private final PrintStream out;

  private SandboxMain(PrintStream out) {
    this.out = out;
  }

  record Options(Path file, Path dir, int port, Duration timeout, boolean keepRunning) {
    static Options parse(String[] args, Path root) {
      Path file = root.resolve("examples/quickstart.yaml");
      Path dir = root.resolve("sandbox/target/sandbox");
      int port = 0;
      Duration timeout = Duration.ofMinutes(10);
      boolean keep = false;
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--keep-running" -> keep = true;
          case "--dir" -> dir = Path.of(value(args, ++i, a)).toAbsolutePath();
          case "--port" -> port = number(value(args, ++i, a), a, 0, 65535);
          case "--timeout" ->
              timeout = Duration.ofSeconds(number(value(args, ++i, a), a, 1, 86400));
          case "-h", "--help" -> throw new UsageException(null);
          default -> {
            if (a.startsWith("-")) {
              throw new UsageException("unknown option " + a);
            }
            file = Path.of(a).isAbsolute() ? Path.of(a) : root.resolve(a);
          }
        }
      }
      if (!Files.isRegularFile(file)) {
        throw new UsageException("no such file: " + file);
      }
      return new Options(file, dir, port, timeout, keep);
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
      "usage: sandbox [--keep-running] [--dir DIR] [--port N] [--timeout SECONDS] [FILE]\n"
          + "  FILE            TrainingJobs and ModelServers to apply (default examples/quickstart.yaml)\n"
          + "  --keep-running  stay up after the run, for kubectl (KUBECONFIG is printed); Ctrl-C stops\n"
          + "  --dir DIR       working folder: kubeconfig, logs, volumes (default sandbox/target/sandbox)\n"
          + "  --port N        API server port (default: any free port)\n"
          + "  --timeout S     give up after S seconds (default 600)";

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
      yaml = Files.readAllBytes(options.file());
    } catch (IOException e) {
      out.println("sandbox: cannot read " + options.file() + ": " + e);
      return 2;
    }
    Sandbox sandbox;
    try {
      sandbox = Sandbox.start(root, options.dir(), options.port());
    } catch (RuntimeException e) {
      out.println("sandbox: cannot start: " + e.getMessage());
      return 2;
    }
    try (Stopper stopper = new Stopper(sandbox)) {
      out.printf(
          "Kiln sandbox: API server %s, Kiln operator and simulated cluster up in %.1fs%n",
          sandbox.apiUrl(), seconds(start));
      out.println("  kubectl: export KUBECONFIG=" + sandbox.kubeconfig());
      out.println("  logs:    " + sandbox.dir().resolve("sandbox.log"));
      out.println(
          "           " + sandbox.dir().resolve("pods") + "/<namespace>/<pod>/<container>.log");
      int code = runFile(sandbox, options.file(), yaml, options.timeout(), start);
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

  private int runFile(Sandbox sandbox, Path file, byte[] yaml, Duration timeout, Instant start)
      throws InterruptedException {
    try (StatusPrinter printer = new StatusPrinter(sandbox.client(), out, start)) {
      List<HasMetadata> applied = apply(sandbox.client(), file, yaml);
      int code = await(sandbox, applied, timeout);
      return code == 0 ? predict(sandbox, applied) : code;
    } catch (InvalidFile e) {
      out.println("sandbox: " + e.getMessage());
      return 2;
    } catch (KubernetesClientException e) {
      out.println("sandbox: " + e.getMessage());
      return 1;
    }
  }

  private static double seconds(Instant since) {
    return Duration.between(since, Instant.now()).toMillis() / 1000.0;
  }

  /**
   * Stops the sandbox exactly once: at the end of the run, or on Ctrl-C/SIGTERM (a shutdown hook),
   * so no process of a pod outlives the sandbox.
   */
  private final class Stopper implements AutoCloseable {
    private final Sandbox sandbox;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final CountDownLatch signalled = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread hook;

    Stopper(Sandbox sandbox) {
      this.sandbox = sandbox;
      this.hook =
          new Thread(
              () -> {
                signalled.countDown();
                stop();
              },
              "sandbox-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
    }

    void awaitSignal() throws InterruptedException {
      signalled.await();
    }

    /**
     * Closes the sandbox, or waits until the other caller has: the JVM halts as soon as the
     * shutdown hook returns, so the hook must not return while the main thread is still stopping
     * pods (their processes would outlive the sandbox).
     */
    private void stop() {
      if (stopped.compareAndSet(false, true)) {
        try {
          out.println("Stopping the sandbox: the operator, every pod and its processes.");
          sandbox.close();
        } finally {
          closed.countDown();
        }
        return;
      }
      boolean interrupted = false;
      while (closed.getCount() > 0) {
        try {
          closed.await();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() {
      stop();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down: the hook has run
      }
    }
  }

  /** Creates every object of the file (in namespace {@code default} unless it names one). */
  private List<HasMetadata> apply(KubernetesClient client, Path file, byte[] yaml) {
    out.println("Applying " + file);
    List<HasMetadata> items;
    try {
      items = client.load(new ByteArrayInputStream(yaml)).items();
    } catch (RuntimeException e) {
      throw new InvalidFile(file + " is not Kubernetes YAML: " + e.getMessage());
    }
    List<HasMetadata> applied = new ArrayList<>();
    for (HasMetadata item : items) {
      if (item.getMetadata().getNamespace() == null) {
        item.getMetadata().setNamespace(Sandbox.NAMESPACE);
      }
      HasMetadata created;
      try {
        created = client.resource(item).create();
      } catch (KubernetesClientException e) {
        // The API server's own words (which field, why), not the client's request dump.
        String why =
            e.getStatus() != null && e.getStatus().getMessage() != null
                ? e.getStatus().getMessage()
                : e.getMessage();
        throw new InvalidFile(file + ": " + name(item) + " was refused: " + why);
      }
      out.println("  created " + name(created));
      applied.add(created);
    }
    return applied;
  }

  /** A file the sandbox cannot apply: a usage error (exit 2), nothing created after it. */
  static final class InvalidFile extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidFile(String message) {
      super(message);
    }
  }

  /** Waits until every TrainingJob has finished and every ModelServer is Ready; 1 on a failure. */
  private int await(Sandbox sandbox, List<HasMetadata> applied, Duration timeout)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      boolean done = true;
      for (HasMetadata o : applied) {
        Outcome outcome = Outcome.of(current(sandbox.client(), o));
        if (outcome.failure().isPresent()) {
          out.println("FAILED: " + name(o) + " " + outcome.failure().get());
          return 1;
        }
        done &= outcome.done();
      }
      if (done) {
        return 0;
      }
      Thread.sleep(250); // a command-line wait loop polling the API, like kubectl wait
    }
    out.println("FAILED: not done after " + timeout.toSeconds() + "s (--timeout)");
    return 1;
  }

  /** Where an applied object stands: done (Succeeded, Ready), failed (with why), or neither. */
  record Outcome(boolean done, Optional<String> failure) {
    static Outcome of(HasMetadata current) {
      if (current instanceof TrainingJob tj) {
        TrainingJobPhase phase = tj.getStatus() == null ? null : tj.getStatus().getPhase();
        return new Outcome(
            phase == TrainingJobPhase.Succeeded,
            phase == TrainingJobPhase.Failed ? Optional.of(StatusLine.of(tj)) : Optional.empty());
      }
      if (current instanceof ModelServer ms) {
        ModelServerPhase phase = ms.getStatus() == null ? null : ms.getStatus().getPhase();
        return new Outcome(
            phase == ModelServerPhase.Ready,
            phase == ModelServerPhase.Failed ? Optional.of(StatusLine.of(ms)) : Optional.empty());
      }
      return new Outcome(current != null, Optional.empty()); // a Secret, a ConfigMap: created
    }
  }

  /** The object as it is now: Kiln's kinds as their API types, anything else as applied. */
  private static HasMetadata current(KubernetesClient client, HasMetadata applied) {
    Class<? extends HasMetadata> type =
        switch (applied.getKind()) {
          case "TrainingJob" -> TrainingJob.class;
          case "ModelServer" -> ModelServer.class;
          default -> null;
        };
    return type == null
        ? applied
        : client
            .resources(type)
            .inNamespace(applied.getMetadata().getNamespace())
            .withName(applied.getMetadata().getName())
            .get();
  }

  private static String name(HasMetadata o) {
    return o.getKind().toLowerCase(java.util.Locale.ROOT) + "/" + o.getMetadata().getName();
  }

  private int predict(Sandbox sandbox, List<HasMetadata> applied) {
    for (HasMetadata o : applied) {
      if (!o.getKind().equals("ModelServer")) {
        continue;
      }
      ModelServer ms = (ModelServer) current(sandbox.client(), o);
      try {
        Prediction.Result result = Prediction.ask(sandbox, ms);
        out.println(
            "Prediction from modelserver/"
                + ms.getMetadata().getName()
                + " (POST "
                + result.endpoint()
                + "):");
        out.println("  " + result.describe());
      } catch (IOException e) {
        out.println(
            "FAILED: modelserver/"
                + ms.getMetadata().getName()
                + " did not answer: "
                + e.getMessage());
        return 1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 1;
      }
    }
    return 0;
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
