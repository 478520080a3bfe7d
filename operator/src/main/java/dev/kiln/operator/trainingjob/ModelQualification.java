package dev.kiln.operator.trainingjob;

import static dev.kiln.api.v1alpha1.TrainingJobConditions.MODEL_QUALIFIED;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.NOT_FINISHED;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.NO_QUALITY_GATE;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.QUALITY_GATE_FAILED;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.QUALITY_GATE_PASSED;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.RUN_FAILED;

import dev.kiln.api.v1alpha1.QualityGateRule;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.operator.support.ConditionSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** ModelQualified: the quality gate on the final metrics of a succeeded run. Pure. */
final class ModelQualification {
  private ModelQualification() {}

  static ConditionRow row(
      TrainingJobPhase phase, List<QualityGateRule> gate, Map<String, String> metrics) {
    if (phase == TrainingJobPhase.Failed) {
      return ConditionRow.of(
          MODEL_QUALIFIED, false, RUN_FAILED, "The run failed; there is no model");
    }
    if (phase != TrainingJobPhase.Succeeded) {
      return new ConditionRow(
          MODEL_QUALIFIED, ConditionSet.UNKNOWN, NOT_FINISHED, "The run has not finished");
    }
    if (gate == null || gate.isEmpty()) {
      return ConditionRow.of(MODEL_QUALIFIED, true, NO_QUALITY_GATE, "No quality gate is set");
    }
    Optional<String> failure = QualityGate.firstFailure(gate, metrics);
    return failure
        .map(f -> ConditionRow.of(MODEL_QUALIFIED, false, QUALITY_GATE_FAILED, f))
        .orElseGet(
            () ->
                ConditionRow.of(
                    MODEL_QUALIFIED,
                    true,
                    QUALITY_GATE_PASSED,
                    "All " + gate.size() + " checks passed"));
  }
}
