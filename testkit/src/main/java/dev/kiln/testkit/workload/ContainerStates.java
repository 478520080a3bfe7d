package dev.kiln.testkit.workload;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import java.util.List;

/** The container states a kubelet reports, built one way for every simulated kubelet. */
public final class ContainerStates {
  private ContainerStates() {}

  public static ContainerState running(String startedAt) {
    return new ContainerStateBuilder()
        .withNewRunning()
        .withStartedAt(startedAt)
        .endRunning()
        .build();
  }

  public static ContainerState waiting(String reason, String message) {
    return new ContainerStateBuilder()
        .withNewWaiting()
        .withReason(reason)
        .withMessage(message)
        .endWaiting()
        .build();
  }

  public static ContainerState terminated(
      int exitCode, String reason, String message, String startedAt, String finishedAt) {
    return new ContainerStateBuilder()
        .withNewTerminated()
        .withExitCode(exitCode)
        .withReason(reason)
        .withMessage(message)
        .withStartedAt(startedAt)
        .withFinishedAt(finishedAt)
        .endTerminated()
        .build();
  }

  /** The status of the container {@code name} in {@code state}. */
  public static ContainerStatus status(String name, ContainerState state) {
    return new ContainerStatusBuilder().withName(name).withState(state).build();
  }

  /** A pod status with just these container statuses. */
  public static PodStatus pod(ContainerStatus... containers) {
    return new PodStatusBuilder().withContainerStatuses(List.of(containers)).build();
  }
}
