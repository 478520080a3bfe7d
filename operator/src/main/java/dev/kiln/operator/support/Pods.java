package dev.kiln.operator.support;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Reading pods, for the failure explanations of both controllers. */
public final class Pods {
  /** Longest failure message Kiln puts into a status. */
  public static final int MAX_MESSAGE = 1024;

  private Pods() {}

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

  /** A message trimmed and cut to MAX_MESSAGE characters. */
  public static String bound(String message) {
    if (message == null) {
      return null;
    }
    String trimmed = message.strip();
    return trimmed.length() <= MAX_MESSAGE ? trimmed : trimmed.substring(0, MAX_MESSAGE) + "…";
  }
}
