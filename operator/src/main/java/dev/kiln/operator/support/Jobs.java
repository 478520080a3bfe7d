package dev.kiln.operator.support;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.util.Optional;

/** Reading a batch/v1 Job's status. */
public final class Jobs {
  public static final String COMPLETE = "Complete";
  public static final String FAILED = "Failed";

  private Jobs() {}

  /** The Job's condition of this type when it is True. */
  public static Optional<JobCondition> trueCondition(Job job, String type) {
    if (job == null || job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()) && ConditionSet.TRUE.equals(c.getStatus()))
        .findFirst();
  }

  public static boolean isSuspended(Job job) {
    return Boolean.TRUE.equals(job.getSpec().getSuspend());
  }
}
