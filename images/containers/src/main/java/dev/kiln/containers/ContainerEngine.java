package dev.kiln.containers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The container engine on this machine, podman or docker, as {@code images/engine/engine.sh} finds
 * it (that script is the one place that decides; {@code KILN_ENGINE} picks one). Podman runs with
 * {@code images/engine/containers.conf} (runc, no default ulimits) through {@code CONTAINERS_CONF},
 * as the script sets it for shell callers.
 */
public final class ContainerEngine {
  /** What to install when {@link #detect} finds nothing. */
  public static final String MISSING =
      "no container engine: install podman and runc (apt-get install podman runc), or start a"
          + " docker daemon";

  /** A finished engine command. */
  public record Result(int exitCode, String stdout, String stderr) {
    public boolean ok() {
      return exitCode == 0;
    }

    /** This result, or an exception naming the command and what it printed to stderr. */
    public Result orThrow(List<String> command) {
      if (!ok()) {
        throw new IllegalStateException(
            String.join(" ", command) + " exited " + exitCode + ": " + stderr.strip());
      }
      return this;
    }
  }

  private final String name;
  private final Map<String, String> environment;

  private ContainerEngine(String name, Map<String, String> environment) {
    this.name = name;
    this.environment = environment;
  }

  /** The engine {@code engine.sh} of the repository at {@code root} finds, if any. */
  public static Optional<ContainerEngine> detect(Path root) {
    return detect(root, null);
  }

  /**
   * The engine named {@code wanted} ({@code podman}, {@code docker}) if {@code engine.sh} finds it
   * working; with null, whichever it finds ({@code KILN_ENGINE} may name one).
   */
  public static Optional<ContainerEngine> detect(Path root, String wanted) {
    Path script = root.resolve("images/engine/engine.sh");
    Result found =
        exec(
            List.of("bash", script.toString()),
            wanted == null ? Map.of() : Map.of("KILN_ENGINE", wanted),
            Duration.ofSeconds(30));
    if (!found.ok()) {
      return Optional.empty();
    }
    String name = found.stdout().strip();
    String conf = System.getenv("CONTAINERS_CONF");
    if (name.equals("podman") && (conf == null || conf.isBlank())) {
      conf = root.resolve("images/engine/containers.conf").toString();
    }
    return Optional.of(
        new ContainerEngine(name, conf == null ? Map.of() : Map.of("CONTAINERS_CONF", conf)));
  }

  /** {@code podman} or {@code docker}. */
  public String name() {
    return name;
  }

  /** The environment engine commands need besides the caller's (CONTAINERS_CONF for podman). */
  public Map<String, String> environment() {
    return environment;
  }

  /** The full command line for {@code args}. */
  public List<String> command(List<String> args) {
    List<String> command = new ArrayList<>(args.size() + 1);
    command.add(name);
    command.addAll(args);
    return command;
  }

  /** Runs {@code engine args...}; kills it after {@code timeout}. */
  public Result run(Duration timeout, List<String> args) {
    return exec(command(args), environment, timeout);
  }

  /** Runs {@code engine args...} and throws when it fails. */
  public Result check(Duration timeout, List<String> args) {
    return run(timeout, args).orThrow(command(args));
  }

  /** Runs a command with stdout and stderr in files, so neither pipe can fill up and block it. */
  public static Result exec(List<String> command, Map<String, String> env, Duration timeout) {
    try {
      Path out = Files.createTempFile("kiln-engine", ".out");
      Path err = Files.createTempFile("kiln-engine", ".err");
      try {
        ProcessBuilder pb =
            new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        Process process = pb.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly().waitFor();
          return new Result(-1, read(out), read(err) + "\n(killed after " + timeout + ")");
        }
        return new Result(process.exitValue(), read(out), read(err));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command.get(0), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command.get(0), e);
    }
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }
}
