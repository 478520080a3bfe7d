package dev.kiln.operator.trainingjob;

import static dev.kiln.api.v1alpha1.TrainingJobConditions.BACKOFF_LIMIT_EXCEEDED;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.DEADLINE_EXCEEDED;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.ERROR;
import static dev.kiln.operator.support.Failures.orZero;

import dev.kiln.api.v1alpha1.Failure;
import dev.kiln.operator.support.Failures;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.util.Optional;

/** Why a failed training Job failed, in the user's terms. Pure. */
final class JobFailure {
  private JobFailure() {}

  /** The deadline, else the last pod failure (with the attempts), else the Job's own words. */
  static Failure explain(RunFacts f, JobCondition failed) {
    String reason = failed.getReason() == null ? ERROR : failed.getReason();
    if (DEADLINE_EXCEEDED.equals(reason)) {
      return Failures.of(
          DEADLINE_EXCEEDED,
          "the run took longer than activeDeadlineSeconds="
              + f.spec().getActiveDeadlineSeconds()
              + " and was stopped");
    }
    Optional<Failure> pod = PodFailures.lastPodFailure(f.pods());
    if (pod.isPresent()) {
      Failure p = pod.get();
      String suffix =
          BACKOFF_LIMIT_EXCEEDED.equals(reason)
              ? " (gave up after " + orZero(f.attempts().count()) + " attempts)"
              : "";
      return p.toBuilder().message(p.getMessage() + suffix).build();
    }
    return Failures.of(reason, failed.getMessage() == null ? reason : failed.getMessage());
  }
}
