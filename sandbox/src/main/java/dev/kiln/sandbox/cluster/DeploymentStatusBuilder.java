package dev.kiln.sandbox.cluster;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Deployment's status from its pods: replica counts, observed generation, and the Available and
 * Progressing conditions with Kubernetes' reasons ({@code progressDeadlineSeconds} counted from the
 * last progress).
 */
final class DeploymentStatusBuilder {
  private DeploymentStatusBuilder() {}

  static DeploymentStatus build(
      Deployment d,
      Rollout rollout,
      List<Pod> current,
      List<Pod> old,
      Instant lastProgress,
      Instant now) {
    int desired = rollout.desired();
    long readyCurrent = current.stream().filter(Owners::ready).count();
    int ready = (int) (readyCurrent + old.stream().filter(Owners::ready).count());
    DeploymentStatus s = new DeploymentStatus();
    s.setObservedGeneration(d.getMetadata().getGeneration());
    s.setReplicas(current.size() + old.size());
    s.setUpdatedReplicas(current.size());
    s.setReadyReplicas(ready);
    s.setAvailableReplicas(ready);
    s.setUnavailableReplicas(Math.max(0, desired - ready));
    Map<String, DeploymentCondition> conditions = new LinkedHashMap<>();
    if (d.getStatus() != null && d.getStatus().getConditions() != null) {
      d.getStatus().getConditions().forEach(c -> conditions.put(c.getType(), c));
    }
    boolean available = ready >= desired - rollout.unavailable();
    set(
        conditions,
        "Available",
        available,
        available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
        available
            ? "Deployment has minimum availability."
            : "Deployment does not have minimum availability.",
        now);
    boolean complete = readyCurrent == desired && old.isEmpty() && current.size() == desired;
    progressing(d, conditions, complete, lastProgress, now);
    s.setConditions(new ArrayList<>(conditions.values()));
    return s;
  }

  private static void progressing(
      Deployment d,
      Map<String, DeploymentCondition> conditions,
      boolean complete,
      Instant lastProgress,
      Instant now) {
    String name = "Deployment \"" + d.getMetadata().getName() + "\"";
    int deadline = Objects.requireNonNullElse(d.getSpec().getProgressDeadlineSeconds(), 600);
    if (complete) {
      set(
          conditions,
          "Progressing",
          true,
          "NewReplicaSetAvailable",
          name + " has successfully progressed.",
          now);
    } else if (lastProgress.plusSeconds(deadline).isBefore(now)) {
      set(
          conditions,
          "Progressing",
          false,
          "ProgressDeadlineExceeded",
          name + " has timed out progressing.",
          now);
    } else {
      set(conditions, "Progressing", true, "ReplicaSetUpdated", name + " is progressing.", now);
    }
  }

  private static void set(
      Map<String, DeploymentCondition> conditions,
      String type,
      boolean value,
      String reason,
      String message,
      Instant now) {
    DeploymentCondition old = conditions.get(type);
    String status = value ? "True" : "False";
    if (old != null && status.equals(old.getStatus()) && Objects.equals(reason, old.getReason())) {
      return;
    }
    String time = Kubelet.format(now);
    String since =
        old != null && status.equals(old.getStatus()) ? old.getLastTransitionTime() : time;
    conditions.put(
        type,
        new DeploymentConditionBuilder()
            .withType(type)
            .withStatus(status)
            .withReason(reason)
            .withMessage(message)
            .withLastUpdateTime(time)
            .withLastTransitionTime(since)
            .build());
  }
}
