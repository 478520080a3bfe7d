package dev.kiln.operator.support;

import com.sun.management.OperatingSystemMXBean;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * The operator's Prometheus registry: JVM and process metrics, and JOSDK's meters made fit for
 * Prometheus, so that {@code promtool check metrics} has nothing to say about {@code /metrics}
 * (docs/operations.md#metrics). JOSDK registers its meters without help text, with a label that
 * counts retries (unbounded: Kiln retries forever) and with percentile histograms; the filters here
 * give each family help text, drop that label and use a dozen explicit buckets.
 */
public final class MetricsRegistry implements AutoCloseable {
  static final String JOSDK = "operator.sdk.";

  /** JOSDK's reconcile timer: milliseconds for a cache read, up to API calls on a slow server. */
  static final Duration[] RECONCILE_BUCKETS =
      LongStream.of(5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000)
          .mapToObj(Duration::ofMillis)
          .toArray(Duration[]::new);

  /** JOSDK's meters by name, or by name prefix where the name ends in the controller's. */
  private static final Map<String, String> JOSDK_HELP =
      Map.ofEntries(
          Map.entry(
              "reconciliations.started",
              "Reconciliations started (reconciliations_retries_last=false: a retry)"),
          Map.entry("reconciliations.success", "Reconciliations that succeeded"),
          Map.entry("reconciliations.failed", "Reconciliations that failed, by exception"),
          Map.entry("events.received", "Events the controllers received, by event and action"),
          Map.entry("events.delete", "Deleted resources the controllers finished with"),
          Map.entry(
              "controllers.execution.reconcile", "Time in the reconcile method, by controller"),
          Map.entry(
              "controllers.execution.reconcile.success",
              "Reconcile calls that returned, by controller and what they updated (type)"),
          Map.entry(
              "controllers.execution.reconcile.failure",
              "Reconcile calls that threw, by controller and exception"),
          Map.entry("controllers.execution.cleanup", "Time in the cleanup method, by controller"),
          Map.entry(
              "controllers.execution.cleanup.success",
              "Cleanup calls that returned, by controller"),
          Map.entry(
              "controllers.execution.cleanup.failure",
              "Cleanup calls that threw, by controller and exception"),
          Map.entry("reconciliations.executions.", "Reconciles of this controller running now"),
          Map.entry(
              "reconciliations.queue.size.",
              "Reconciles of this controller submitted and not finished yet"));

  /** JOSDK's retry number: one series per attempt, without bound. */
  static final String RETRY_NUMBER_TAG = "reconciliations.retries.number";

  /**
   * micrometer meters Prometheus's linter refuses: a gauge ending in {@code _count} (reserved for
   * histograms and summaries) and CPU time in nanoseconds (replaced by {@code
   * process_cpu_seconds_total}).
   */
  private static final Set<String> DENIED = Set.of("system.cpu.count", "process.cpu.time");

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();

  public MetricsRegistry() {
    // Filters first: they apply only to meters registered after them.
    registry
        .config()
        .meterFilter(MeterFilter.deny(id -> DENIED.contains(id.getName())))
        .meterFilter(MeterFilter.ignoreTags(RETRY_NUMBER_TAG))
        .meterFilter(josdkFamilies());
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    processCpuSeconds();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Stops listening to GC notifications (a test JVM starts many operators). */
  @Override
  public void close() {
    gc.close();
  }

  /** Help text for JOSDK's meters; explicit buckets and no client-side percentiles for timers. */
  static MeterFilter josdkFamilies() {
    return new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        if (!id.getName().startsWith(JOSDK) || id.getDescription() != null) {
          return id;
        }
        return new Meter.Id(
            id.getName(),
            Tags.of(id.getTagsAsIterable()),
            id.getBaseUnit(),
            josdkHelp(id.getName().substring(JOSDK.length())),
            id.getType());
      }

      @Override
      public DistributionStatisticConfig configure(
          Meter.Id id, DistributionStatisticConfig config) {
        if (!id.getName().startsWith(JOSDK) || id.getType() != Meter.Type.TIMER) {
          return config;
        }
        return DistributionStatisticConfig.builder()
            .percentilesHistogram(false)
            .percentiles()
            .serviceLevelObjectives(
                Stream.of(RECONCILE_BUCKETS).mapToDouble(d -> (double) d.toNanos()).toArray())
            .build()
            .merge(config);
      }
    };
  }

  /** The help text of a JOSDK meter (its name without the prefix). */
  static String josdkHelp(String name) {
    String help = JOSDK_HELP.get(name);
    if (help != null) {
      return help;
    }
    return JOSDK_HELP.entrySet().stream()
        .filter(e -> e.getKey().endsWith(".") && name.startsWith(e.getKey()))
        .map(Map.Entry::getValue)
        .findFirst()
        // A family a newer JOSDK adds still gets help text; docs/operations.md lists the known.
        .orElse("Java Operator SDK: " + name);
  }

  /** CPU time in seconds, as Prometheus names it, where the JVM tells it. */
  private void processCpuSeconds() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
        && os.getProcessCpuTime() >= 0) {
      FunctionCounter.builder("process.cpu", os, b -> b.getProcessCpuTime() / 1e9)
          .description("CPU time the operator process used")
          .baseUnit("seconds")
          .register(registry);
    }
  }
}
