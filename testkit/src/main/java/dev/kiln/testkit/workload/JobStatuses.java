package dev.kiln.testkit.workload;

import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** The Job status a Job controller writes, built one way for every simulated Job controller. */
public final class JobStatuses {
  private JobStatuses() {}

  /** A condition of {@code type} with the given status, reason and message since {@code at}. */
  public static JobCondition condition(
      String type, boolean status, String reason, String message, String at) {
    return new JobConditionBuilder()
        .withType(type)
        .withStatus(status ? "True" : "False")
        .withReason(reason)
        .withMessage(message)
        .withLastTransitionTime(at)
        .build();
  }

  /** Marks {@code status} as started: one active pod since {@code startTime}. */
  public static JobStatus active(JobStatus status, String startTime) {
    status.setActive(1);
    status.setStartTime(startTime);
    return status;
  }

  /**
   * Marks {@code status} as finished with the condition {@code type} ("Complete" or "Failed") and
   * the given pod counts; a completed Job gets its completion time.
   */
  public static JobStatus finished(
      JobStatus status, String type, String reason, int failed, int succeeded, String at) {
    status.setActive(0);
    status.setFailed(failed);
    status.setSucceeded(succeeded);
    if (type.equals("Complete")) {
      status.setCompletionTime(at);
    }
    status.setConditions(List.of(condition(type, true, reason, null, at)));
    return status;
  }

  /** RFC 3339 at second precision, the form Kubernetes writes in status. */
  public static String format(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }

  public static String now() {
    return format(Instant.now());
  }
}
