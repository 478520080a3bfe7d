package dev.kiln.api.v1alpha1;

/** The one-word summary of a model server shown by `kubectl get ms`. */
public enum ModelServerPhase {
  Pending,
  Loading,
  Ready,
  Degraded,
  Failed
}
