package dev.kiln.operator.modelserver;

import static dev.kiln.api.v1alpha1.ModelServerConditions.CREATING;
import static dev.kiln.api.v1alpha1.ModelServerConditions.MINIMUM_REPLICAS_AVAILABLE;
import static dev.kiln.api.v1alpha1.ModelServerConditions.NO_DEPLOYMENT;
import static dev.kiln.api.v1alpha1.ModelServerConditions.NO_REPLICAS_READY;
import static dev.kiln.api.v1alpha1.ModelServerConditions.ROLLING_OUT;
import static dev.kiln.api.v1alpha1.ModelServerConditions.ROLLOUT_COMPLETE;
import static dev.kiln.api.v1alpha1.ModelServerConditions.SCALED_TO_ZERO;
import static dev.kiln.api.v1alpha1.ModelServerConditions.WAITING_FOR_MODEL;

import dev.kiln.api.v1alpha1.Failure;
import java.util.Optional;

/**
 * The Available and Progressing conditions, from the serving state (empty while there is no
 * Deployment) and what resolution says. Pure.
 */
final class ServerConditionVerdicts {
  private ServerConditionVerdicts() {}

  /** True while at least one replica is ready; otherwise why not. */
  static ConditionVerdict available(Optional<ServingState> serving) {
    if (serving.isEmpty()) {
      return new ConditionVerdict(false, NO_DEPLOYMENT, "The server is not deployed yet");
    }
    ServingState st = serving.get();
    if (st.ready() > 0) {
      return new ConditionVerdict(
          true, MINIMUM_REPLICAS_AVAILABLE, st.ready() + " of " + st.desired() + " replicas ready");
    }
    boolean scaledToZero = st.desired() == 0;
    String reason =
        st.podFailure()
            .map(Failure::getReason)
            .orElse(scaledToZero ? SCALED_TO_ZERO : NO_REPLICAS_READY);
    return new ConditionVerdict(
        false, reason, scaledToZero ? "spec.replicas is 0" : "No replica is ready yet");
  }

  /** True while Kiln creates, rolls out or waits for a model; False once done or blocked. */
  static ConditionVerdict progressing(
      Optional<ServingState> serving, ResolutionVerdict resolution, String modelText) {
    if (serving.isEmpty()) {
      return beforeDeployment(resolution);
    }
    ServingState st = serving.get();
    if (!st.rollout().done() && st.podFailure().isPresent()) {
      return failed(st.podFailure().get());
    }
    if (!st.rollout().done()) {
      return new ConditionVerdict(
          true, ROLLING_OUT, "Rolling out " + modelText + ": " + st.rollout().message());
    }
    if (resolution.waiting()) {
      return new ConditionVerdict(true, WAITING_FOR_MODEL, resolution.message());
    }
    if (resolution.blocker().isPresent()) {
      return failed(resolution.blocker().get());
    }
    return new ConditionVerdict(false, ROLLOUT_COMPLETE, "All replicas run " + modelText);
  }

  private static ConditionVerdict beforeDeployment(ResolutionVerdict resolution) {
    if (resolution.blocker().isPresent()) {
      return failed(resolution.blocker().get());
    }
    if (resolution.model().isPresent()) {
      return new ConditionVerdict(true, CREATING, "Creating the Deployment");
    }
    return new ConditionVerdict(true, WAITING_FOR_MODEL, resolution.message());
  }

  private static ConditionVerdict failed(Failure f) {
    return new ConditionVerdict(false, f.getReason(), f.getMessage());
  }
}
