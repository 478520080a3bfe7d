package dev.kiln.operator.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** JOSDK's meters as JOSDK registers them, through the operator's registry. */
class MetricsRegistryTest {
  private final MetricsRegistry metrics = new MetricsRegistry();

  @AfterEach
  void close() {
    metrics.close();
  }

  @Test
  void retriesDoNotMakeANewSeriesEach() {
    for (int attempt = 0; attempt < 50; attempt++) {
      metrics
          .registry()
          .counter(
              "operator.sdk.reconciliations.started",
              "kind",
              "TrainingJob",
              "reconciliations.retries.number",
              String.valueOf(attempt),
              "reconciliations.retries.last",
              "false")
          .increment();
    }

    List<String> series = lines("operator_sdk_reconciliations_started_total{");
    assertThat(series).hasSize(1);
    assertThat(series.get(0)).doesNotContain("retries_number").endsWith(" 50.0");
  }

  @Test
  void josdkFamiliesHaveHelpText() {
    metrics.registry().gauge("operator.sdk.reconciliations.queue.size.trainingjob", 0);
    metrics.registry().counter("operator.sdk.events.received", "action", "ADDED").increment();
    metrics.registry().counter("operator.sdk.something.new").increment();

    assertThat(metrics.registry().scrape())
        .contains(
            "# HELP operator_sdk_reconciliations_queue_size_trainingjob Reconciles of this"
                + " controller submitted and not finished yet")
        .contains(
            "# HELP operator_sdk_events_received_total Events the controllers received, by event"
                + " and action")
        .contains("# HELP operator_sdk_something_new_total Java Operator SDK: something.new");
  }

  @Test
  void theReconcileTimerHasExplicitBucketsAndNoQuantiles() {
    // As JOSDK builds it.
    Timer.builder("operator.sdk.controllers.execution.reconcile")
        .tag("controller", "trainingjob")
        .publishPercentiles(0.3, 0.5, 0.95)
        .publishPercentileHistogram()
        .register(metrics.registry())
        .record(Duration.ofMillis(40));

    List<String> buckets = lines("operator_sdk_controllers_execution_reconcile_seconds_bucket{");
    assertThat(buckets).hasSize(MetricsRegistry.RECONCILE_BUCKETS.length + 1);
    assertThat(buckets).anyMatch(l -> l.contains("le=\"0.05\"") && l.endsWith(" 1"));
    assertThat(metrics.registry().scrape()).doesNotContain("quantile=");
  }

  @Test
  void jvmAndProcessMetricsAreThereAndLintCleanNamesOnly() {
    String scrape = metrics.registry().scrape();

    assertThat(scrape)
        .contains("jvm_memory_used_bytes{area=\"heap\"")
        .contains("jvm_threads_live_threads ")
        .contains("jvm_classes_loaded_classes ")
        .contains("process_cpu_seconds_total ")
        .contains("process_uptime_seconds ")
        .contains("process_files_open_files ")
        .doesNotContain("system_cpu_count")
        .doesNotContain("process_cpu_time_ns");
  }

  private List<String> lines(String prefix) {
    return metrics.registry().scrape().lines().filter(l -> l.startsWith(prefix)).toList();
  }
}
