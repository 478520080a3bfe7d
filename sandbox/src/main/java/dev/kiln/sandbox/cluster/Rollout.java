package dev.kiln.sandbox.cluster;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Objects;

/**
 * A Deployment's replica count and its rollout limits: how many pods may be added above it ({@code
 * maxSurge}) and how many may be unavailable ({@code maxUnavailable}); {@code Recreate} adds none
 * until the old pods are gone.
 */
record Rollout(int desired, boolean recreate, int surge, int unavailable) {
  static Rollout of(Deployment d) {
    int desired = Objects.requireNonNullElse(d.getSpec().getReplicas(), 1);
    boolean recreate =
        d.getSpec().getStrategy() != null && "Recreate".equals(d.getSpec().getStrategy().getType());
    int surge = recreate ? 0 : scaled(rolling(d, true), desired, true, 1);
    int unavailable = recreate ? desired : scaled(rolling(d, false), desired, false, 0);
    if (surge == 0 && unavailable == 0) {
      unavailable = 1; // Kubernetes rejects both zero; behave as it defaults
    }
    return new Rollout(desired, recreate, surge, unavailable);
  }

  private static IntOrString rolling(Deployment d, boolean surge) {
    var strategy = d.getSpec().getStrategy();
    if (strategy == null || strategy.getRollingUpdate() == null) {
      return new IntOrString("25%");
    }
    IntOrString v =
        surge
            ? strategy.getRollingUpdate().getMaxSurge()
            : strategy.getRollingUpdate().getMaxUnavailable();
    return v == null ? new IntOrString("25%") : v;
  }

  /** An absolute or percentage value; surge rounds up, unavailable down, as Kubernetes does. */
  static int scaled(IntOrString value, int desired, boolean roundUp, int fallback) {
    if (value.getIntVal() != null) {
      return value.getIntVal();
    }
    String s = value.getStrVal();
    if (s == null || !s.endsWith("%")) {
      return fallback;
    }
    double share = desired * Integer.parseInt(s.substring(0, s.length() - 1)) / 100.0;
    return (int) (roundUp ? Math.ceil(share) : Math.floor(share));
  }
}
