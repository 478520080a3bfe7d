package dev.kiln.modelserver;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The served model's own counters, whichever transport a request came by: inference requests that
 * succeeded and failed, the rows (first dimension of the first input) they carried, and how long
 * the model took to load.
 */
final class ModelMetrics {
  private final Counter success;
  private final Counter failure;
  private final Counter rows;
  private final AtomicLong loadNanos = new AtomicLong(-1);

  ModelMetrics(MeterRegistry registry, String model) {
    this.success = requests(registry, model, "success");
    this.failure = requests(registry, model, "failure");
    this.rows =
        Counter.builder("kiln.model.server.inference.rows")
            .description("Rows (first dimension of the first input) of successful inferences")
            .tags("model", model, "version", "1")
            .register(registry);
    Gauge.builder(
            "kiln.model.server.model.load.seconds",
            loadNanos,
            n -> n.get() < 0 ? -1 : n.get() / 1e9)
        .description("How long the model took to load; -1 until it has loaded")
        .tags("model", model, "version", "1")
        .register(registry);
  }

  private static Counter requests(MeterRegistry registry, String model, String outcome) {
    return Counter.builder("kiln.model.server.inference.requests")
        .description("Inference requests by outcome")
        .tags("model", model, "version", "1", "outcome", outcome)
        .register(registry);
  }

  void succeeded(long batchRows) {
    success.increment();
    rows.increment((double) batchRows);
  }

  void failed() {
    failure.increment();
  }

  /** Nanoseconds: a small model loads in well under a millisecond, which is not zero. */
  void loaded(long nanos) {
    loadNanos.set(nanos);
  }
}
