package dev.kiln.operator.modelserver;

import dev.kiln.api.v1alpha1.Failure;
import dev.kiln.api.v1alpha1.ModelServerConditions;
import dev.kiln.operator.support.Pods;
import dev.kiln.operator.support.RootImageRefusal;
import dev.kiln.operator.support.Scrubber;
import dev.kiln.operator.support.Times;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Why model-server pods do not become ready, in words a user can act on: the image cannot be
 * pulled, the pod cannot be scheduled, the image runs as root under a pod that must not, a
 * container keeps crashing (with its last exit code), or the server runs but never passes its
 * readiness probe. Pure.
 */
public final class ServerPodFailures {

  /** A failure, or when to look again because a pod's readiness deadline is still ahead. */
  public record Finding(Optional<Failure> failure, Optional<Instant> recheckAt) {}

  private ServerPodFailures() {}

  /** The first problem among the pods, newest pod first; terminating pods are ignored. */
  public static Finding find(
      List<Pod> pods, Instant now, Duration readinessDeadline, String readinessPath) {
    Instant recheck = null;
    for (Pod pod : Pods.newestFirst(pods)) {
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      Optional<Failure> f = explain(pod);
      if (f.isPresent()) {
        return new Finding(f, Optional.empty());
      }
      Optional<Instant> runningSince = runningUnready(pod);
      if (runningSince.isPresent()) {
        Instant due = Times.plusSaturating(runningSince.get(), readinessDeadline);
        if (!now.isBefore(due)) {
          return new Finding(
              Optional.of(
                  readinessTimeout(pod, runningSince.get(), readinessDeadline, readinessPath)),
              Optional.empty());
        }
        recheck = recheck == null || due.isBefore(recheck) ? due : recheck;
      }
    }
    return new Finding(Optional.empty(), Optional.ofNullable(recheck));
  }

  private static Failure readinessTimeout(
      Pod pod, Instant runningSince, Duration deadline, String readinessPath) {
    return Failure.builder()
        .reason(ModelServerConditions.READINESS_TIMEOUT)
        .message(
            "the server has been running since "
                + Times.format(runningSince)
                + " without passing its readiness probe (GET "
                + readinessPath
                + ") for more than "
                + deadline.toMinutes()
                + " minutes: the model may not load; see the pod's log")
        .pod(pod.getMetadata().getName())
        .container(ModelServerNames.SERVER)
        .build();
  }

  private static Optional<Failure> explain(Pod pod) {
    Optional<Failure> unschedulable = unschedulable(pod);
    if (unschedulable.isPresent()) {
      return unschedulable;
    }
    for (ContainerStatus cs : Pods.containerStatuses(pod)) {
      ContainerStateWaiting waiting = cs.getState() == null ? null : cs.getState().getWaiting();
      if (waiting == null) {
        continue;
      }
      Optional<Failure> stuck =
          RootImageRefusal.explain(pod, cs).or(() -> Pods.cannotStart(pod, cs));
      if (stuck.isPresent()) {
        return stuck;
      }
      if (ModelServerConditions.CRASH_LOOP_BACK_OFF.equals(waiting.getReason())) {
        return Optional.of(crashLoop(pod, cs));
      }
    }
    return Optional.empty();
  }

  private static Optional<Failure> unschedulable(Pod pod) {
    return Pods.conditions(pod).stream()
        .filter(
            c ->
                "PodScheduled".equals(c.getType())
                    && "False".equals(c.getStatus())
                    && ModelServerConditions.UNSCHEDULABLE.equals(c.getReason()))
        .findFirst()
        .map(
            c ->
                Failure.builder()
                    .reason(ModelServerConditions.UNSCHEDULABLE)
                    .message(Pods.bound(c.getMessage()))
                    .pod(pod.getMetadata().getName())
                    .build());
  }

  /** A container that keeps crashing, with its last exit code (or the OOM kill) and message. */
  private static Failure crashLoop(Pod pod, ContainerStatus cs) {
    ContainerStateTerminated last = lastTerminated(cs);
    Integer exitCode = last == null ? null : last.getExitCode();
    boolean oom = last != null && ModelServerConditions.OOM_KILLED.equals(last.getReason());
    String what =
        ServerDeploymentBuilder.LOADER.equals(cs.getName())
            ? "the model download (container " + cs.getName() + ")"
            : "container " + cs.getName();
    StringBuilder message = new StringBuilder(what).append(" keeps crashing");
    if (oom) {
      message.append(": killed for exceeding its memory limit");
    } else if (exitCode != null) {
      message.append(": exit code ").append(exitCode);
    }
    if (cs.getRestartCount() != null) {
      message.append(" (restarted ").append(cs.getRestartCount()).append(" times)");
    }
    if (!oom && last != null && last.getMessage() != null && !last.getMessage().isBlank()) {
      message.append(": ").append(lastLine(Scrubber.scrub(last.getMessage())));
    }
    return Failure.builder()
        .reason(oom ? ModelServerConditions.OOM_KILLED : ModelServerConditions.CRASH_LOOP_BACK_OFF)
        .message(Pods.bound(message.toString()))
        .pod(pod.getMetadata().getName())
        .container(cs.getName())
        .exitCode(exitCode)
        .build();
  }

  /** When the server container of a running pod started, if the pod is not ready. */
  private static Optional<Instant> runningUnready(Pod pod) {
    boolean ready =
        Pods.conditions(pod).stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    if (ready || pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(cs -> ModelServerNames.SERVER.equals(cs.getName()))
        .filter(cs -> !Boolean.TRUE.equals(cs.getReady()))
        .map(ContainerStatus::getState)
        .filter(s -> s != null && s.getRunning() != null)
        .map(s -> Times.parse(s.getRunning().getStartedAt()))
        .filter(i -> i != null)
        .findFirst();
  }

  private static ContainerStateTerminated lastTerminated(ContainerStatus cs) {
    ContainerState last = cs.getLastState();
    return last == null ? null : last.getTerminated();
  }

  private static String lastLine(String text) {
    String[] lines = text.strip().split("\n", -1);
    return lines[lines.length - 1].strip();
  }
}
