package dev.kiln.operator.modelserver;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The HorizontalPodAutoscaler, while spec.autoscaling is set. */
@KubernetesDependent(informer = @Informer(labelSelector = SpecHashDependent.SELECTOR))
public class ServerAutoscalerDependent extends SpecHashDependent<HorizontalPodAutoscaler> {
  public ServerAutoscalerDependent() {
    super(HorizontalPodAutoscaler.class, (ms, context) -> ServerAutoscalerBuilder.build(ms));
  }
}
