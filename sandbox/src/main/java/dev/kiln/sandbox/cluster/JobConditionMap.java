package dev.kiln.sandbox.cluster;

import dev.kiln.testkit.workload.JobStatuses;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** A Job's conditions by type, changed as the Job controller changes them. */
final class JobConditionMap {
  private final Map<String, JobCondition> conditions = new LinkedHashMap<>();

  JobConditionMap(List<JobCondition> current) {
    if (current != null) {
      current.forEach(c -> conditions.put(c.getType(), c));
    }
  }

  /** Sets a condition; one that already has this status and reason keeps its times. */
  void set(String type, boolean value, String reason, String message, Instant now) {
    JobCondition old = conditions.get(type);
    String status = value ? "True" : "False";
    if (old != null && status.equals(old.getStatus()) && Objects.equals(reason, old.getReason())) {
      return;
    }
    String at = Kubelet.format(now);
    conditions.put(
        type,
        new JobConditionBuilder(JobStatuses.condition(type, value, reason, message, at))
            .withLastProbeTime(at)
            .build());
  }

  void fail(String reason, String message, Instant now) {
    set("Failed", true, reason, message, now);
  }

  boolean finished() {
    return isTrue("Complete") || isTrue("Failed");
  }

  boolean isTrue(String type) {
    return conditions.containsKey(type) && "True".equals(conditions.get(type).getStatus());
  }

  /** When the Job completed or failed, if it did. */
  Optional<Instant> finishedAt() {
    return conditions.values().stream()
        .filter(c -> "True".equals(c.getStatus()))
        .filter(c -> c.getType().equals("Complete") || c.getType().equals("Failed"))
        .map(c -> Instant.parse(c.getLastTransitionTime()))
        .findFirst();
  }

  List<JobCondition> list() {
    return new ArrayList<>(conditions.values());
  }
}
