package dev.kiln.sandbox.cluster;

import dev.kiln.testkit.workload.ContainerStates;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One container of a running pod: what runs it (a process or an engine's container), its status as
 * the kubelet reports it (waiting, running, terminated, restarts, last state), its probes, and the
 * back-off before a restart.
 */
final class ContainerRun {
  /** The kubelet's limits on the termination message (bytes) and on the log fallback. */
  static final int MAX_MESSAGE = 4096;

  static final int FALLBACK_LINES = 80;
  static final int FALLBACK_BYTES = 2048;

  final Container spec;
  final Path log;
  final Path terminationLog;
  private ContainerState state;
  private ContainerState lastState;
  private int restarts;
  private int startFailures;
  private Instant notBefore = Instant.MIN;
  private RunningContainer process;
  private String containerId;
  private String imageId;
  private Instant startedAt;
  private Prober startup;
  private Prober readiness;
  private Prober liveness;
  private boolean ready;

  ContainerRun(Container spec, Path podDir) {
    this.spec = spec;
    this.log = podDir.resolve(spec.getName() + ".log");
    this.terminationLog = podDir.resolve(spec.getName() + ".termination-log");
    this.state = ContainerStates.waiting("PodInitializing", null);
  }

  boolean due(Instant now) {
    return process == null && !now.isBefore(notBefore);
  }

  boolean running() {
    return process != null;
  }

  boolean terminated() {
    return process == null && state.getTerminated() != null;
  }

  Integer exitCode() {
    return state.getTerminated() == null ? null : state.getTerminated().getExitCode();
  }

  /** The container could not start; retried after the back-off. */
  void cannotStart(StartupError e, Instant now) {
    String reason = e.reason();
    if (reason.equals("ErrImagePull") && startFailures > 0) {
      reason = "ImagePullBackOff";
    }
    state = ContainerStates.waiting(reason, e.getMessage());
    notBefore = now.plus(Backoff.after(++startFailures));
  }

  /** How many times the container ran before (its restart count). */
  int attempt() {
    return restarts;
  }

  /** The container started: {@code running} from the image {@code imageId}. */
  void started(RunningContainer running, String imageId, Instant now) {
    process = running;
    containerId = running.id();
    this.imageId = imageId;
    startFailures = 0;
    startedAt = now;
    ready = false;
    state = ContainerStates.running(Kubelet.format(now));
  }

  void setProbers(Prober startup, Prober readiness, Prober liveness) {
    this.startup = startup;
    this.readiness = readiness;
    this.liveness = liveness;
  }

  /**
   * Runs the due probes; returns true when the liveness or startup probe failed out and the
   * container must be killed.
   */
  boolean probe(Instant now) {
    if (process == null) {
      return false;
    }
    if (startup != null && !startup.passing()) {
      startup.check(now);
      if (!startup.passing()) {
        ready = false;
        return startup.failedOut();
      }
    }
    ready = readiness == null || readiness.check(now);
    return liveness != null && !liveness.check(now) && liveness.failedOut();
  }

  /** Whether the process has exited; records the exit as the terminated state if so. */
  boolean reapIfExited(Instant now) {
    if (process == null || process.alive()) {
      return false;
    }
    RunningContainer.Exit exit = process.exit();
    process = null;
    ready = false;
    String message = message(exit.exitCode());
    state =
        ContainerStates.terminated(
            exit.exitCode(),
            exit.kubeletReason(),
            message != null || exit.message() == null ? message : exit.message(),
            Kubelet.format(startedAt),
            Kubelet.format(now));
    state.getTerminated().setContainerID(containerId);
    return true;
  }

  /** After an exit under restartPolicy Always/OnFailure: CrashLoopBackOff until the back-off. */
  void scheduleRestart(Instant now) {
    lastState = state;
    restarts++;
    Duration wait = Backoff.after(restarts);
    notBefore = now.plus(wait);
    state =
        ContainerStates.waiting(
            "CrashLoopBackOff",
            "back-off " + wait.toSeconds() + "s restarting failed container=" + spec.getName());
  }

  /** SIGTERM, then SIGKILL after the grace period. */
  void kill(Duration grace) {
    RunningContainer p = process;
    if (p != null) {
      p.stop(grace);
    }
  }

  ContainerStatus status() {
    return new ContainerStatusBuilder()
        .withName(spec.getName())
        .withImage(spec.getImage())
        .withImageID(imageId == null ? "" : imageId)
        .withContainerID(containerId)
        .withReady(ready)
        .withStarted(process != null)
        .withRestartCount(restarts)
        .withState(state)
        .withLastState(lastState)
        .build();
  }

  boolean ready() {
    return ready;
  }

  /** The termination message, or with FallbackToLogsOnError the log's tail after a failure. */
  private String message(int exitCode) {
    String message = readBounded(terminationLog, MAX_MESSAGE);
    if (message.isEmpty()
        && exitCode != 0
        && "FallbackToLogsOnError".equals(spec.getTerminationMessagePolicy())) {
      message = logTail();
    }
    return message.isEmpty() ? null : message;
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      String tail =
          String.join(
              "\n", lines.subList(Math.max(0, lines.size() - FALLBACK_LINES), lines.size()));
      byte[] bytes = tail.getBytes(StandardCharsets.UTF_8);
      return bytes.length <= FALLBACK_BYTES
          ? tail
          : new String(
              bytes, bytes.length - FALLBACK_BYTES, FALLBACK_BYTES, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static String readBounded(Path file, int max) {
    try {
      if (!Files.exists(file)) {
        return "";
      }
      byte[] bytes = Files.readAllBytes(file);
      return new String(bytes, 0, Math.min(bytes.length, max), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
