package dev.kiln.operator.modelserver;

import dev.kiln.api.v1alpha1.ModelServerConditions;
import dev.kiln.api.v1alpha1.ServedModel;

/**
 * Which model a ModelServer should serve right now: resolved (with its lineage), still waiting (a
 * TrainingJob has not succeeded yet, no candidate yet), or failed (the job failed or does not
 * exist, the spec is invalid). Waiting and failed recover by themselves when the world changes.
 */
public record ModelResolution(State state, ServedModel model, String reason, String message) {
  public enum State {
    RESOLVED,
    WAITING,
    FAILED
  }

  public static ModelResolution resolved(ServedModel model, String message) {
    return new ModelResolution(State.RESOLVED, model, ModelServerConditions.RESOLVED, message);
  }

  public static ModelResolution waiting(String reason, String message) {
    return new ModelResolution(State.WAITING, null, reason, message);
  }

  public static ModelResolution failed(String reason, String message) {
    return new ModelResolution(State.FAILED, null, reason, message);
  }

  public boolean isResolved() {
    return state == State.RESOLVED;
  }

  public boolean isFailed() {
    return state == State.FAILED;
  }
}
