package dev.kiln.operator.support;

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
 * Kiln's domain metrics (DESIGN.md §6). Labels are bounded: phase, reason and result take a handful
 * of values; no per-resource labels.
 */
public class KilnMetrics {
  private final MeterRegistry registry;
  private final AtomicReference<Supplier<Collection<TrainingJob>>> trainingJobs =
      new AtomicReference<>(List::of);

  public KilnMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (TrainingJobPhase phase : TrainingJobPhase.values()) {
      Gauge.builder("kiln.trainingjobs", () -> count(phase))
          .description("TrainingJobs by phase")
          .tag("phase", phase.name())
          .register(registry);
    }
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

  private long count(TrainingJobPhase phase) {
    return trainingJobs.get().get().stream()
        .filter(tj -> tj.getStatus() != null && tj.getStatus().getPhase() == phase)
        .count();
  }
}
