package dev.kiln.operator.trainingjob;

import dev.kiln.api.v1alpha1.TrainingJobSpec;
import dev.kiln.operator.support.Times;
import java.time.Duration;
import java.time.Instant;

/**
 * ttlSecondsAfterFinished: delete the finished run's Job (and its pods) once it is due. Pure.
 *
 * @param deleteNow the Job is due for deletion
 * @param recheck when it falls due (null: not pending)
 */
record TtlCleanup(boolean deleteNow, Duration recheck) {
  static final TtlCleanup NONE = new TtlCleanup(false, null);

  static TtlCleanup decide(
      TrainingJobSpec spec, String completionTime, boolean jobExists, Instant now) {
    Long ttl = spec.getTtlSecondsAfterFinished();
    Instant completed = Times.parse(completionTime);
    if (ttl == null || completed == null || !jobExists) {
      return NONE;
    }
    Instant due = Times.plusSecondsSaturating(completed, ttl);
    return now.isBefore(due)
        ? new TtlCleanup(false, Recheck.until(now, due))
        : new TtlCleanup(true, null);
  }
}
