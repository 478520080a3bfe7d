package dev.kiln.operator.support;

import dev.kiln.api.v1alpha1.Failure;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reading pods, for the failure explanations of both controllers. */
public final class Pods {
  /** Longest failure message Kiln puts into a status. */
  public static final int MAX_MESSAGE = 1024;

  /** Waiting reasons that will not fix themselves: the image or the configuration is wrong. */
  public static final Set<String> STARTUP_PROBLEMS =
      Set.of(
          "ErrImagePull",
          "ImagePullBackOff",
          "InvalidImageName",
          "CreateContainerConfigError",
          "CreateContainerError");

  private Pods() {}

  /** Why a container cannot start, if it waits for a reason that will not fix itself. */
  public static Optional<Failure> cannotStart(Pod pod, ContainerStatus cs) {
    ContainerStateWaiting waiting = cs.getState() == null ? null : cs.getState().getWaiting();
    if (waiting == null || !STARTUP_PROBLEMS.contains(waiting.getReason())) {
      return Optional.empty();
    }
    String message =
        waiting.getMessage() != null
            ? waiting.getMessage()
            : "container " + cs.getName() + " cannot start (image " + cs.getImage() + ")";
    return Optional.of(
        Failure.builder()
            .reason(waiting.getReason())
            .message(bound(message))
            .pod(pod.getMetadata().getName())
            .container(cs.getName())
            .build());
  }

  /** Init and main container statuses, in that order. */
  public static List<ContainerStatus> containerStatuses(Pod pod) {
    List<ContainerStatus> all = new ArrayList<>();
    if (pod.getStatus() != null) {
      if (pod.getStatus().getInitContainerStatuses() != null) {
        all.addAll(pod.getStatus().getInitContainerStatuses());
      }
      if (pod.getStatus().getContainerStatuses() != null) {
        all.addAll(pod.getStatus().getContainerStatuses());
      }
    }
    return all;
  }

  public static List<PodCondition> conditions(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getConditions() == null
        ? List.of()
        : pod.getStatus().getConditions();
  }

  /** Newest first, by creation time then name: the pod a user wants explained. */
  public static List<Pod> newestFirst(List<Pod> pods) {
    return pods.stream()
        .sorted(
            Comparator.comparing(
                    (Pod p) ->
                        p.getMetadata().getCreationTimestamp() == null
                            ? ""
                            : p.getMetadata().getCreationTimestamp())
                .thenComparing(p -> p.getMetadata().getName())
                .reversed())
        .toList();
  }

  /** A message scrubbed of credentials ({@link Scrubber}), trimmed, cut to MAX_MESSAGE. */
  public static String bound(String message) {
    if (message == null) {
      return null;
    }
    String trimmed = Scrubber.scrub(message).strip();
    return trimmed.length() <= MAX_MESSAGE ? trimmed : trimmed.substring(0, MAX_MESSAGE) + "…";
  }
}
