package dev.kiln.operator.modelserver;

import dev.kiln.api.v1alpha1.Failure;
import dev.kiln.api.v1alpha1.ModelServerConditions;
import dev.kiln.api.v1alpha1.ModelServerPhase;
import java.util.Optional;

/**
 * The phase, the failure shown with it and the Ready condition's reason and message. None is final:
 * the server recovers by itself when the cause goes away. Pure.
 */
record PhaseDecision(
    ModelServerPhase phase, Optional<Failure> failure, String readyReason, String readyMessage) {

  /** No Deployment yet: Failed when blocked, Loading once a model resolved, else Pending. */
  static PhaseDecision notDeployed(ResolutionVerdict resolution) {
    if (resolution.blocker().isPresent()) {
      Failure blocker = resolution.blocker().get();
      return new PhaseDecision(
          ModelServerPhase.Failed, Optional.of(blocker), blocker.getReason(), blocker.getMessage());
    }
    ModelServerPhase phase =
        resolution.model().isPresent() ? ModelServerPhase.Loading : ModelServerPhase.Pending;
    return new PhaseDecision(phase, Optional.empty(), phase.name(), resolution.message());
  }

  /**
   * With a Deployment: Pending when scaled to zero, Loading or Failed while nothing is ready,
   * Degraded when some replicas are not ready or the old model serves while the new one fails, else
   * Ready.
   */
  static PhaseDecision serving(
      ServingState st, ResolutionVerdict resolution, String modelText, String url) {
    Optional<Failure> failure = st.podFailure().or(resolution::blocker);
    if (st.desired() == 0) {
      return new PhaseDecision(
          ModelServerPhase.Pending,
          resolution.blocker(),
          ModelServerConditions.SCALED_TO_ZERO,
          "spec.replicas is 0");
    }
    if (st.ready() == 0) {
      return failure
          .map(f -> failed(ModelServerPhase.Failed, f, f.getMessage()))
          .orElseGet(
              () ->
                  healthy(
                      ModelServerPhase.Loading,
                      ModelServerPhase.Loading.name(),
                      "Starting the server and loading " + modelText));
    }
    if (st.ready() < st.desired()) {
      String replicas = st.ready() + " of " + st.desired() + " replicas ready";
      return failure
          .map(f -> failed(ModelServerPhase.Degraded, f, replicas + ": " + f.getMessage()))
          .orElseGet(
              () ->
                  healthy(
                      ModelServerPhase.Degraded,
                      ModelServerConditions.REPLICAS_NOT_READY,
                      replicas));
    }
    return allReady(failure, modelText, url);
  }

  /** Every replica answers; with a failure, they serve the old model and the new one fails. */
  private static PhaseDecision allReady(Optional<Failure> failure, String modelText, String url) {
    String previous = "Serving the previous model; the new one fails: ";
    return failure
        .map(f -> failed(ModelServerPhase.Degraded, f, previous + f.getMessage()))
        .orElseGet(
            () ->
                healthy(
                    ModelServerPhase.Ready,
                    ModelServerPhase.Ready.name(),
                    "Serving " + modelText + " at " + url));
  }

  private static PhaseDecision healthy(ModelServerPhase phase, String reason, String message) {
    return new PhaseDecision(phase, Optional.empty(), reason, message);
  }

  private static PhaseDecision failed(ModelServerPhase phase, Failure f, String message) {
    return new PhaseDecision(phase, Optional.of(f), f.getReason(), message);
  }

  /** The Ready condition: True only in phase Ready. */
  ConditionVerdict ready() {
    return new ConditionVerdict(phase == ModelServerPhase.Ready, readyReason, readyMessage);
  }
}
