package dev.kiln.operator.trainingjob;

import static dev.kiln.api.v1alpha1.TrainingJobConditions.NOT_RUNNING;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.NO_PROGRESS;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.NO_PROGRESS_DEADLINE;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.PROGRESSING;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.STALLED;

import dev.kiln.api.v1alpha1.Progress;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.operator.support.Times;
import java.time.Duration;
import java.time.Instant;

/**
 * Stalled: running, with no progress report for progressDeadlineSeconds. Pure.
 *
 * @param row the Stalled condition
 * @param recheck when the deadline falls due (null: nothing to wait for)
 */
record StallCheck(ConditionRow row, Duration recheck) {

  static StallCheck decide(
      TrainingJobPhase phase, Long deadline, Progress progress, String startTime, Instant now) {
    if (phase != TrainingJobPhase.Running) {
      return of(false, NOT_RUNNING, "The run is not running");
    }
    if (deadline == null) {
      return of(false, NO_PROGRESS_DEADLINE, "spec.progressDeadlineSeconds is not set");
    }
    Instant lastReport = progress == null ? null : Times.parse(progress.getLastReportTime());
    Instant since = lastReport != null ? lastReport : Times.parse(startTime);
    if (since == null) {
      since = now;
    }
    Instant due = Times.plusSecondsSaturating(since, deadline);
    if (now.isBefore(due)) {
      return new StallCheck(
          ConditionRow.of(STALLED, false, PROGRESSING, "Progress was reported within the deadline"),
          Recheck.until(now, due));
    }
    return of(
        true,
        NO_PROGRESS,
        "No progress reported for more than progressDeadlineSeconds="
            + deadline
            + (lastReport != null ? " (last report " + Times.format(lastReport) + ")" : ""));
  }

  private static StallCheck of(boolean stalled, String reason, String message) {
    return new StallCheck(ConditionRow.of(STALLED, stalled, reason, message), null);
  }
}
