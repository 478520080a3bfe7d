package dev.kiln.operator.support;

import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.ModelServerPhase;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Kiln's domain metrics (docs/design.md). Labels are bounded: phase, reason and result take a
 * handful of values; no per-resource labels.
 */
public class KilnMetrics {
  private final MeterRegistry registry;
  private final AtomicReference<Supplier<Collection<TrainingJob>>> trainingJobs =
      new AtomicReference<>(List::of);
  private final AtomicReference<Supplier<Collection<ModelServer>>> modelServers =
      new AtomicReference<>(List::of);

  public KilnMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (TrainingJobPhase phase : TrainingJobPhase.values()) {
      Gauge.builder("kiln.trainingjobs", () -> count(phase))
          .description("TrainingJobs by phase")
          .tag("phase", phase.name())
          .register(registry);
    }
    for (ModelServerPhase phase : ModelServerPhase.values()) {
      Gauge.builder("kiln.modelservers", () -> countServers(phase))
          .description("ModelServers by phase")
          .tag("phase", phase.name())
          .register(registry);
    }
  }

  /** Where the ModelServer phase gauges read from: the operator's cache of ModelServers. */
  public void modelServersFrom(Supplier<Collection<ModelServer>> source) {
    modelServers.set(source);
  }

  /**
   * A roll-out of a ModelServer ended: all replicas run the new template (result "complete") or the
   * new pods fail (result "failed"); the duration is from the start of the roll-out.
   */
  public void modelServerRollout(String result, Duration duration) {
    Counter.builder("kiln.modelserver.rollouts")
        .description("ModelServer roll-outs that ended, by result")
        .tag("result", result)
        .register(registry)
        .increment();
    Timer.builder("kiln.modelserver.rollout.duration")
        .description("Time from the start of a ModelServer roll-out until it ended")
        .tag("result", result)
        .publishPercentileHistogram()
        .register(registry)
        .record(duration.isNegative() ? Duration.ZERO : duration);
  }

  /** Where the phase gauges read from: the operator's cache of TrainingJobs. */
  public void trainingJobsFrom(Supplier<Collection<TrainingJob>> source) {
    trainingJobs.set(source);
  }

  public void trainingJobFinished(TrainingJobPhase phase, Duration duration) {
    Timer.builder("kiln.trainingjob.duration")
        .description("Time from creating a TrainingJob to its end")
        .tag("result", phase.name())
        .publishPercentileHistogram()
        .register(registry)
        .record(duration.isNegative() ? Duration.ZERO : duration);
  }

  public void trainingJobFailed(String reason) {
    Counter.builder("kiln.trainingjob.failures")
        .description("TrainingJobs that failed, by reason")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  public MeterRegistry registry() {
    return registry;
  }

  private long countServers(ModelServerPhase phase) {
    return modelServers.get().get().stream()
        .filter(ms -> ms.getStatus() != null && ms.getStatus().getPhase() == phase)
        .count();
  }

  private long count(TrainingJobPhase phase) {
    return trainingJobs.get().get().stream()
        .filter(tj -> tj.getStatus() != null && tj.getStatus().getPhase() == phase)
        .count();
  }
}
