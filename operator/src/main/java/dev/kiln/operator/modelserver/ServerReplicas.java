package dev.kiln.operator.modelserver;

import dev.kiln.api.v1alpha1.Autoscaling;
import dev.kiln.api.v1alpha1.ModelServer;
import java.util.Objects;

/** How many server replicas a ModelServer asks for, fixed or through autoscaling. Pure. */
public final class ServerReplicas {
  public static final int DEFAULT_REPLICAS = 1;
  public static final int DEFAULT_MIN_REPLICAS = 1;

  private ServerReplicas() {}

  /**
   * Fixed replicas; with autoscaling, the number to start with before the HPA takes over (also the
   * fewest that ever run).
   */
  public static int replicas(ModelServer ms) {
    Autoscaling a = ms.getSpec().getAutoscaling();
    if (a != null) {
      return minReplicas(a);
    }
    return Objects.requireNonNullElse(ms.getSpec().getReplicas(), DEFAULT_REPLICAS);
  }

  static int minReplicas(Autoscaling a) {
    return Objects.requireNonNullElse(a.getMinReplicas(), DEFAULT_MIN_REPLICAS);
  }

  /** With autoscaling the HPA owns the Deployment's replica count. */
  public static boolean autoscaled(ModelServer ms) {
    return ms.getSpec().getAutoscaling() != null;
  }
}
