package dev.kiln.operator.support;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;

/** The container statuses a kubelet shows when it refuses to start a container, for the tests. */
public final class KubeletRefusals {
  /** The kubelet's words for an image whose USER is root (or unset) under runAsNonRoot. */
  public static final String RUNS_AS_ROOT =
      "container has runAsNonRoot and image will run as root (pod:"
          + " \"iris-1-abc_team-a(5b1c)\", container: trainer)";

  /** The kubelet's words for an image whose USER is a name it cannot resolve to a UID. */
  public static final String NON_NUMERIC =
      "container has runAsNonRoot and image has non-numeric user (app), cannot verify user is"
          + " non-root (pod: \"iris-1-abc_team-a(5b1c)\", container: trainer)";

  public static final String IMAGE = "pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime";

  private KubeletRefusals() {}

  /** A container of {@link #IMAGE} waiting in CreateContainerConfigError with this message. */
  public static ContainerStatus refused(String container, String message) {
    return new ContainerStatusBuilder()
        .withName(container)
        .withImage(IMAGE)
        .withReady(false)
        .withNewState()
        .withNewWaiting()
        .withReason("CreateContainerConfigError")
        .withMessage(message)
        .endWaiting()
        .endState()
        .build();
  }
}
