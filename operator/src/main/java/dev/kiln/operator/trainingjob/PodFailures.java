package dev.kiln.operator.trainingjob;

import dev.kiln.api.v1alpha1.Failure;
import dev.kiln.operator.support.Pods;
import dev.kiln.operator.support.RootImageRefusal;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Explains why pods do not start or did not finish, from their conditions and container states, in
 * the words a user can act on (image name wrong, out of memory, exit code and last log line).
 */
public final class PodFailures {
  private PodFailures() {}

  /**
   * Why the newest pod cannot start (unschedulable, image pull, bad config, an image that runs as
   * root), if it cannot.
   */
  public static Optional<Failure> startupProblem(List<Pod> pods) {
    for (Pod pod : Pods.newestFirst(pods)) {
      Optional<PodCondition> unschedulable =
          Pods.conditions(pod).stream()
              .filter(
                  c ->
                      "PodScheduled".equals(c.getType())
                          && "False".equals(c.getStatus())
                          && "Unschedulable".equals(c.getReason()))
              .findFirst();
      if (unschedulable.isPresent()) {
        return Optional.of(ofPod(pod, "Unschedulable", unschedulable.get().getMessage()).build());
      }
      for (ContainerStatus cs : Pods.containerStatuses(pod)) {
        Optional<Failure> stuck =
            RootImageRefusal.explain(pod, cs).or(() -> Pods.cannotStart(pod, cs));
        if (stuck.isPresent()) {
          return stuck;
        }
      }
    }
    return Optional.empty();
  }

  /** Why the newest failed pod failed: eviction, OOM kill, or a non-zero exit. */
  public static Optional<Failure> lastPodFailure(List<Pod> pods) {
    for (Pod pod : Pods.newestFirst(pods)) {
      if (pod.getStatus() != null && "Evicted".equals(pod.getStatus().getReason())) {
        return Optional.of(ofPod(pod, "Evicted", pod.getStatus().getMessage()).build());
      }
      for (ContainerStatus cs : Pods.containerStatuses(pod)) {
        ContainerStateTerminated t = cs.getState() == null ? null : cs.getState().getTerminated();
        if (t != null && t.getExitCode() != null && t.getExitCode() != 0) {
          boolean oom = "OOMKilled".equals(t.getReason());
          String message =
              oom
                  ? "container " + cs.getName() + " was killed for exceeding its memory limit"
                  : TerminationMessage.errorLine(t.getMessage())
                      .orElse("container " + cs.getName() + " exited with code " + t.getExitCode());
          return Optional.of(
              ofPod(pod, oom ? "OOMKilled" : "Error", message)
                  .container(cs.getName())
                  .exitCode(t.getExitCode())
                  .build());
        }
      }
    }
    return Optional.empty();
  }

  /** True once any container of the trainer has started in any pod: training is under way. */
  public static Optional<String> trainerStartedAt(List<Pod> pods, String container) {
    return pods.stream()
        .flatMap(p -> Pods.containerStatuses(p).stream())
        .filter(cs -> container.equals(cs.getName()) && cs.getState() != null)
        .map(
            cs -> {
              if (cs.getState().getRunning() != null) {
                return cs.getState().getRunning().getStartedAt();
              }
              if (cs.getState().getTerminated() != null) {
                return cs.getState().getTerminated().getStartedAt();
              }
              return null;
            })
        .filter(s -> s != null)
        .min(Comparator.naturalOrder());
  }

  public static boolean trainerRunning(List<Pod> pods, String container) {
    return pods.stream()
        .flatMap(p -> Pods.containerStatuses(p).stream())
        .anyMatch(
            cs ->
                container.equals(cs.getName())
                    && cs.getState() != null
                    && cs.getState().getRunning() != null);
  }

  private static Failure.FailureBuilder ofPod(Pod pod, String reason, String message) {
    return Failure.builder()
        .reason(reason)
        .message(Pods.bound(message))
        .pod(pod.getMetadata().getName());
  }
}
