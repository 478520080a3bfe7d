package dev.kiln.operator.trainingjob;

import static dev.kiln.api.v1alpha1.TrainingJobConditions.FAILED;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.JOB_COMPLETE;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.QUEUED;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.RUNNING;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.SUCCEEDED;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.SUSPENDED;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.SUSPENDED_BY_SPEC;

import dev.kiln.api.v1alpha1.Failure;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import java.util.List;
import java.util.Locale;

/**
 * The phase conditions (Running, Succeeded, Failed, Suspended) for a phase decision: one row each.
 * A condition that does not apply is False with the phase as its reason. Pure.
 */
final class TrainingConditionsTable {
  private TrainingConditionsTable() {}

  /**
   * @param failure the status's failure (set when the phase is Failed)
   * @param queue the Kueue queue name (null without Kueue), for the Queued and Suspended messages
   */
  static List<ConditionRow> rows(PhaseDecision decision, Failure failure, String queue) {
    TrainingJobPhase phase = decision.phase();
    return List.of(
        running(decision), succeeded(phase), failed(phase, failure), suspended(phase, queue));
  }

  private static ConditionRow running(PhaseDecision d) {
    TrainingJobPhase phase = d.phase();
    if (phase == TrainingJobPhase.Running) {
      return ConditionRow.of(RUNNING, true, d.reason(), d.message());
    } else if (phase == TrainingJobPhase.Pending) {
      return ConditionRow.of(RUNNING, false, d.reason(), d.message());
    }
    return ConditionRow.of(
        RUNNING, false, phase.name(), "The run is " + phase.name().toLowerCase(Locale.ROOT));
  }

  private static ConditionRow succeeded(TrainingJobPhase phase) {
    return phase == TrainingJobPhase.Succeeded
        ? ConditionRow.of(SUCCEEDED, true, JOB_COMPLETE, "Training finished")
        : ConditionRow.of(SUCCEEDED, false, phase.name(), "Training has not succeeded");
  }

  private static ConditionRow failed(TrainingJobPhase phase, Failure failure) {
    return phase == TrainingJobPhase.Failed
        ? ConditionRow.of(FAILED, true, failure.getReason(), failure.getMessage())
        : ConditionRow.of(FAILED, false, phase.name(), "The run has not failed");
  }

  private static ConditionRow suspended(TrainingJobPhase phase, String queue) {
    if (phase == TrainingJobPhase.Suspended) {
      return ConditionRow.of(
          SUSPENDED,
          true,
          SUSPENDED_BY_SPEC,
          queue == null
              ? "spec.suspend is true"
              : "spec.suspend is true: Kiln keeps the run out of Kueue queue "
                  + queue
                  + " until it is false");
    } else if (phase == TrainingJobPhase.Queued) {
      return ConditionRow.of(
          SUSPENDED, true, QUEUED, "Waiting for Kueue to admit the Job (queue " + queue + ")");
    }
    return ConditionRow.of(SUSPENDED, false, phase.name(), "The run is not suspended");
  }
}
