package dev.kiln.operator.modelserver;

import dev.kiln.operator.support.Failures;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;

/** How far the Deployment's roll-out is, in the terms of `kubectl rollout status`. Pure. */
record Rollout(boolean done, boolean deadlineExceeded, String message) {

  static Rollout of(Deployment d, int desired) {
    DeploymentStatus ds = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
    Long generation = d.getMetadata().getGeneration();
    Long observed = ds.getObservedGeneration();
    if (generation != null && (observed == null || observed < generation)) {
      return new Rollout(false, false, "waiting for the Deployment controller");
    }
    boolean deadline =
        ds.getConditions() != null
            && ds.getConditions().stream()
                .anyMatch(
                    (DeploymentCondition c) ->
                        "Progressing".equals(c.getType())
                            && "ProgressDeadlineExceeded".equals(c.getReason()));
    int updated = Failures.orZero(ds.getUpdatedReplicas());
    int replicas = Failures.orZero(ds.getReplicas());
    int available = Failures.orZero(ds.getAvailableReplicas());
    if (updated < desired) {
      return new Rollout(false, deadline, updated + " of " + desired + " replicas updated");
    }
    if (replicas > updated) {
      return new Rollout(
          false, deadline, (replicas - updated) + " old replicas are pending termination");
    }
    if (available < updated) {
      return new Rollout(
          false, deadline, available + " of " + updated + " updated replicas available");
    }
    return new Rollout(true, false, "complete");
  }
}
