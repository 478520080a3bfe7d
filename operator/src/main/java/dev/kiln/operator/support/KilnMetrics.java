package dev.kiln.operator.support;

import static dev.kiln.api.v1alpha1.TrainingJobConditions.ARTIFACT_DIGEST_MISMATCH;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.BACKOFF_LIMIT_EXCEEDED;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.DEADLINE_EXCEEDED;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.ERROR;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.IMAGE_RUNS_AS_ROOT;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.INSPECTION_FAILED;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.INVALID_SPEC;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.MODEL_MISSING;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.STARTUP_DEADLINE_EXCEEDED;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.UPLOAD_FAILED;
import static java.time.Duration.ofDays;
import static java.time.Duration.ofHours;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;

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
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Kiln's domain metrics (docs/operations.md#metrics). Labels are bounded: phase, reason and result
 * take a handful of values; no per-resource labels. Every meter is registered here, for each known
 * label value, so it is in the first scrape after a restart at zero: alerts built on {@code
 * increase(...)} or {@code absent(...)} would otherwise misfire until the first event. Histograms
 * have explicit buckets fitted to the quantity, not percentile histograms (whose timer buckets end
 * at 30 s).
 */
public class KilnMetrics {
  /** A run refused at once takes seconds; a long training run days. */
  static final List<Duration> TRAINING_DURATION_BUCKETS =
      List.of(
          ofSeconds(10),
          ofSeconds(30),
          ofMinutes(1),
          ofMinutes(5),
          ofMinutes(15),
          ofMinutes(30),
          ofHours(1),
          ofHours(2),
          ofHours(4),
          ofHours(8),
          ofHours(12),
          ofDays(1),
          ofDays(2),
          ofDays(4),
          ofDays(7));

  /** Scheduling, an image pull and the trainer's start-up: seconds to an hour. */
  static final List<Duration> FIRST_REPORT_BUCKETS =
      List.of(
          ofSeconds(1),
          ofSeconds(5),
          ofSeconds(10),
          ofSeconds(30),
          ofMinutes(1),
          ofMinutes(2),
          ofMinutes(5),
          ofMinutes(10),
          ofMinutes(20),
          ofMinutes(30),
          ofHours(1));

  /**
   * New pods that load a model: seconds to minutes; past 10 minutes the Deployment's progress
   * deadline and Kiln's readiness timeout have ended it.
   */
  static final List<Duration> ROLLOUT_BUCKETS =
      List.of(
          ofSeconds(5),
          ofSeconds(10),
          ofSeconds(30),
          ofMinutes(1),
          ofMinutes(2),
          ofMinutes(5),
          ofMinutes(10),
          ofMinutes(15),
          ofMinutes(20),
          ofMinutes(30));

  /**
   * The failure reasons of a TrainingJob that docs/status.md#failure-reasons lists: Kiln's own and
   * those it reads from pods. A reason Kubernetes invents (a Job condition's) is counted from its
   * first use.
   */
  public static final List<String> TRAINING_FAILURE_REASONS =
      Stream.concat(
              Stream.of(
                  INVALID_SPEC,
                  IMAGE_RUNS_AS_ROOT,
                  "Unschedulable",
                  "OOMKilled",
                  ERROR,
                  "Evicted",
                  DEADLINE_EXCEEDED,
                  STARTUP_DEADLINE_EXCEEDED,
                  BACKOFF_LIMIT_EXCEEDED,
                  MODEL_MISSING,
                  ARTIFACT_DIGEST_MISMATCH,
                  INSPECTION_FAILED,
                  UPLOAD_FAILED),
              Pods.STARTUP_PROBLEMS.stream())
          .sorted()
          .toList();

  /** The report endpoint's answers: the {@code result} label of {@code kiln_reports_total}. */
  public enum ReportResult {
    ACCEPTED,
    UNAUTHORIZED,
    /** A token of another run, or for a run that does not exist: one answer for both. */
    FORBIDDEN,
    /** Not a report path. */
    NOT_FOUND,
    BAD_REQUEST,
    TOO_LARGE,
    RATE_LIMITED,
    FINISHED,
    UNAVAILABLE,
    METHOD_NOT_ALLOWED;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final String COMPLETE = "complete";
  private static final String FAILED = "failed";

  private final MeterRegistry registry;
  private final AtomicReference<Supplier<Collection<TrainingJob>>> trainingJobs =
      new AtomicReference<>(List::of);
  private final AtomicReference<Supplier<Collection<ModelServer>>> modelServers =
      new AtomicReference<>(List::of);
  private final Map<ReportResult, Counter> reports = new EnumMap<>(ReportResult.class);
  private final Timer firstReport;

  public KilnMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (TrainingJobPhase phase : TrainingJobPhase.values()) {
      Gauge.builder("kiln.trainingjobs", () -> count(phase))
          .description("TrainingJobs by phase")
          .tag("phase", phase.name())
          .register(registry);
      if (phase.isFinished()) {
        trainingDuration(phase);
      }
    }
    for (ModelServerPhase phase : ModelServerPhase.values()) {
      Gauge.builder("kiln.modelservers", () -> countServers(phase))
          .description("ModelServers by phase")
          .tag("phase", phase.name())
          .register(registry);
    }
    TRAINING_FAILURE_REASONS.forEach(this::failures);
    for (ReportResult result : ReportResult.values()) {
      reports.put(
          result,
          Counter.builder("kiln.reports")
              .description("Progress reports received, by result")
              .tag("result", result.label())
              .register(registry));
    }
    firstReport =
        Timer.builder("kiln.trainingjob.first.report")
            .description("Time from creating a TrainingJob to its trainer's first report")
            .serviceLevelObjectives(FIRST_REPORT_BUCKETS.toArray(Duration[]::new))
            .register(registry);
    for (String result : List.of(COMPLETE, FAILED)) {
      rollouts(result);
      rolloutDuration(result);
    }
  }

  /** Where the ModelServer phase gauges read from: the operator's cache of ModelServers. */
  public void modelServersFrom(Supplier<Collection<ModelServer>> source) {
    modelServers.set(source);
  }

  /**
   * A roll-out of a ModelServer ended: all replicas run the new template ({@code complete}) or the
   * new pods fail; the duration is from the start of the roll-out.
   */
  public void modelServerRollout(boolean complete, Duration duration) {
    String result = complete ? COMPLETE : FAILED;
    rollouts(result).increment();
    rolloutDuration(result).record(nonNegative(duration));
  }

  /** Where the phase gauges read from: the operator's cache of TrainingJobs. */
  public void trainingJobsFrom(Supplier<Collection<TrainingJob>> source) {
    trainingJobs.set(source);
  }

  public void trainingJobFinished(TrainingJobPhase phase, Duration duration) {
    trainingDuration(phase).record(nonNegative(duration));
  }

  public void trainingJobFailed(String reason) {
    failures(reason).increment();
  }

  /** The report endpoint answered. */
  public void report(ReportResult result) {
    reports.get(result).increment();
  }

  /** A run's first accepted report came, this long after the TrainingJob was created. */
  public void firstReport(Duration sinceCreation) {
    firstReport.record(nonNegative(sinceCreation));
  }

  public MeterRegistry registry() {
    return registry;
  }

  private Timer trainingDuration(TrainingJobPhase phase) {
    return Timer.builder("kiln.trainingjob.duration")
        .description("Time from creating a TrainingJob to its end")
        .tag("result", phase.name())
        .serviceLevelObjectives(TRAINING_DURATION_BUCKETS.toArray(Duration[]::new))
        .register(registry);
  }

  private Counter failures(String reason) {
    return Counter.builder("kiln.trainingjob.failures")
        .description("TrainingJobs that failed, by reason")
        .tag("reason", reason)
        .register(registry);
  }

  private Counter rollouts(String result) {
    return Counter.builder("kiln.modelserver.rollouts")
        .description("ModelServer roll-outs that ended, by result")
        .tag("result", result)
        .register(registry);
  }

  private Timer rolloutDuration(String result) {
    return Timer.builder("kiln.modelserver.rollout.duration")
        .description("Time from the start of a ModelServer roll-out until it ended")
        .tag("result", result)
        .serviceLevelObjectives(ROLLOUT_BUCKETS.toArray(Duration[]::new))
        .register(registry);
  }

  private static Duration nonNegative(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
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
