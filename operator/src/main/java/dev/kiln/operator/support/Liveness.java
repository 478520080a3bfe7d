package dev.kiln.operator.support;

import io.javaoperatorsdk.operator.health.EventSourceHealthIndicator;
import io.javaoperatorsdk.operator.health.InformerHealthIndicator;
import io.javaoperatorsdk.operator.health.InformerWrappingEventSourceHealthIndicator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * What /healthz answers: false once the operator can no longer reconcile, so the kubelet restarts
 * it. That is when start-up failed (an informer could not sync, and JOSDK leaves the process up
 * doing nothing) or when the informers, once all running, no longer are. An API server outage is
 * not a reason, nor is a watch the API server ended: fabric8's informers keep running, serve their
 * caches and reconnect. A standby replica, whose informers never started, stays live.
 */
public final class Liveness implements BooleanSupplier {
  private final BooleanSupplier informersRunning;
  private final AtomicBoolean startFailed = new AtomicBoolean();
  private final AtomicBoolean wasRunning = new AtomicBoolean();

  public Liveness(BooleanSupplier informersRunning) {
    this.informersRunning = informersRunning;
  }

  /**
   * True when every unhealthy event source (JOSDK's {@code RuntimeInfo.unhealthyEventSources()}, by
   * controller and name) is an informer that still runs: one reconnecting its watch or re-listing.
   * JOSDK counts those unhealthy too, but they reconcile from their caches meanwhile.
   */
  public static boolean informersRunning(
      Map<String, Map<String, EventSourceHealthIndicator>> unhealthy) {
    return unhealthy.values().stream()
        .flatMap(sources -> sources.values().stream())
        .allMatch(
            source ->
                source instanceof InformerWrappingEventSourceHealthIndicator<?> informers
                    && informers.informerHealthIndicators().values().stream()
                        .allMatch(InformerHealthIndicator::isRunning));
  }

  /** Start-up failed: from now on the process is not live. */
  public void startFailed() {
    startFailed.set(true);
  }

  @Override
  public boolean getAsBoolean() {
    if (startFailed.get()) {
      return false;
    }
    boolean running = informersRunning.getAsBoolean();
    if (running) {
      wasRunning.set(true);
    }
    return running || !wasRunning.get();
  }
}
