package dev.kiln.operator.modelserver;

import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The PodDisruptionBudget, while more than one replica runs. */
@KubernetesDependent(informer = @Informer(labelSelector = SpecHashDependent.SELECTOR))
public class ServerDisruptionBudgetDependent extends SpecHashDependent<PodDisruptionBudget> {
  public ServerDisruptionBudgetDependent() {
    super(PodDisruptionBudget.class, (ms, context) -> ServerDisruptionBudgetBuilder.build(ms));
  }
}
