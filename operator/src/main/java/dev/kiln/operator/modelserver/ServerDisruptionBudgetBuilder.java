package dev.kiln.operator.modelserver;

import dev.kiln.api.v1alpha1.ModelServer;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.util.Optional;

/**
 * Builds a ModelServer's PodDisruptionBudget: minAvailable 1 when more than one replica runs
 * (fixed, or autoscaling with minReplicas > 1), so a node drain never takes the last ready server
 * away. With one replica a PDB would block drains, so there is none. Pure.
 */
public final class ServerDisruptionBudgetBuilder {
  private ServerDisruptionBudgetBuilder() {}

  public static Optional<PodDisruptionBudget> build(ModelServer ms) {
    return ServerReplicas.replicas(ms) > 1 ? Optional.of(budget(ms)) : Optional.empty();
  }

  private static PodDisruptionBudget budget(ModelServer ms) {
    return SpecHash.stamp(
        new PodDisruptionBudgetBuilder()
            .withMetadata(ModelServerNames.metadata(ms, "disruption-budget"))
            .withNewSpec()
            .withMinAvailable(new IntOrString(1))
            .withSelector(
                new LabelSelectorBuilder().withMatchLabels(ModelServerNames.selector(ms)).build())
            .endSpec()
            .build());
  }
}
