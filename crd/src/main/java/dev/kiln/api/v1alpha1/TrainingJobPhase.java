package dev.kiln.api.v1alpha1;

/** The one-word summary of a training run shown by `kubectl get tj`. */
public enum TrainingJobPhase {
  Pending,
  Queued,
  Running,
  Succeeded,
  Failed,
  Suspended;

  public boolean isFinished() {
    return this == Succeeded || this == Failed;
  }
}
