package dev.kiln.operator.modelserver;

import dev.kiln.api.v1alpha1.Failure;
import dev.kiln.api.v1alpha1.ModelServerConditions;
import dev.kiln.api.v1alpha1.ServedModel;
import dev.kiln.operator.support.Failures;
import java.util.List;
import java.util.Optional;

/**
 * What the spec and model resolution say: the ModelResolved condition, the model to serve (when
 * there is one and the spec is valid), and what blocks a new model (an invalid spec, a model that
 * cannot be resolved). Pure.
 *
 * @param waiting no model yet, but one may come (a TrainingJob still running, no candidate yet)
 */
record ResolutionVerdict(
    ConditionVerdict condition,
    Optional<ServedModel> model,
    Optional<Failure> blocker,
    boolean waiting,
    ModelResolution resolution) {

  static ResolutionVerdict of(List<String> specProblems, ModelResolution resolution) {
    if (!specProblems.isEmpty()) {
      String message = String.join("; ", specProblems);
      return new ResolutionVerdict(
          new ConditionVerdict(false, ModelServerConditions.INVALID_SPEC, message),
          Optional.empty(),
          Optional.of(Failures.of(ModelServerConditions.INVALID_SPEC, message)),
          false,
          resolution);
    }
    ConditionVerdict condition =
        new ConditionVerdict(resolution.isResolved(), resolution.reason(), resolution.message());
    if (resolution.isResolved()) {
      return new ResolutionVerdict(
          condition, Optional.of(resolution.model()), Optional.empty(), false, resolution);
    }
    Optional<Failure> blocker =
        resolution.isFailed()
            ? Optional.of(Failures.of(resolution.reason(), resolution.message()))
            : Optional.empty();
    return new ResolutionVerdict(
        condition, Optional.empty(), blocker, !resolution.isFailed(), resolution);
  }

  /** The resolver's explanation: which model, or what it waits for. */
  String message() {
    return resolution.message();
  }
}
