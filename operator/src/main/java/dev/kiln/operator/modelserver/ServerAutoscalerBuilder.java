package dev.kiln.operator.modelserver;

import dev.kiln.api.v1alpha1.Autoscaling;
import dev.kiln.api.v1alpha1.ModelServer;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds a ModelServer's autoscaling/v2 HorizontalPodAutoscaler on CPU utilisation, when
 * spec.autoscaling is set. Pure.
 */
public final class ServerAutoscalerBuilder {
  public static final int DEFAULT_TARGET_CPU = 80;

  private ServerAutoscalerBuilder() {}

  public static Optional<HorizontalPodAutoscaler> build(ModelServer ms) {
    return Optional.ofNullable(ms.getSpec().getAutoscaling()).map(a -> autoscaler(ms, a));
  }

  private static HorizontalPodAutoscaler autoscaler(ModelServer ms, Autoscaling a) {
    return SpecHash.stamp(
        new HorizontalPodAutoscalerBuilder()
            .withMetadata(ModelServerNames.metadata(ms, "autoscaler"))
            .withNewSpec()
            .withNewScaleTargetRef()
            .withApiVersion("apps/v1")
            .withKind("Deployment")
            .withName(ModelServerNames.name(ms))
            .endScaleTargetRef()
            .withMinReplicas(ServerReplicas.minReplicas(a))
            .withMaxReplicas(a.getMaxReplicas())
            .addNewMetric()
            .withType("Resource")
            .withNewResource()
            .withName("cpu")
            .withNewTarget()
            .withType("Utilization")
            .withAverageUtilization(
                Objects.requireNonNullElse(
                    a.getTargetCpuUtilizationPercentage(), DEFAULT_TARGET_CPU))
            .endTarget()
            .endResource()
            .endMetric()
            .endSpec()
            .build());
  }
}
