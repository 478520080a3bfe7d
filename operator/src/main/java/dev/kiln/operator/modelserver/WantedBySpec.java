package dev.kiln.operator.modelserver;

import dev.kiln.api.v1alpha1.ModelServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * The reconcile precondition of the optional children (HPA, NetworkPolicy, PDB): the spec wants
 * one. When it stops wanting it, the workflow deletes the child. This is a reconcile precondition
 * and not an activation condition because JOSDK leaves a deactivated child in place, while Kiln
 * removes an HPA as soon as spec.autoscaling goes.
 */
public final class WantedBySpec implements Condition<HasMetadata, ModelServer> {
  @Override
  public boolean isMet(
      DependentResource<HasMetadata, ModelServer> dependent,
      ModelServer ms,
      Context<ModelServer> context) {
    return ((SpecHashDependent<?>) dependent).wanted(ms, context);
  }
}
