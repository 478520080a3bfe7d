package dev.kiln.operator.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.operator.support.KilnMetrics.ReportResult;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class KilnMetricsTest {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final KilnMetrics metrics = new KilnMetrics(registry);

  @Test
  void aTwoHourRunLandsInTheTwoHourBucketNotInInf() {
    metrics.trainingJobFinished(TrainingJobPhase.Succeeded, Duration.ofMinutes(110));

    String bucket = "kiln_trainingjob_duration_seconds_bucket{result=\"Succeeded\",le=";
    assertThat(value(bucket + "\"3600.0\"}")).isZero();
    assertThat(value(bucket + "\"7200.0\"}")).isEqualTo(1);
  }

  @Test
  void bucketsReachWhatEachQuantityTakes() {
    assertThat(last(KilnMetrics.TRAINING_DURATION_BUCKETS)).isGreaterThanOrEqualTo(days(7));
    assertThat(last(KilnMetrics.FIRST_REPORT_BUCKETS)).isEqualTo(Duration.ofHours(1));
    assertThat(last(KilnMetrics.ROLLOUT_BUCKETS)).isEqualTo(Duration.ofMinutes(30));
    assertThat(KilnMetrics.TRAINING_DURATION_BUCKETS).isSorted().doesNotHaveDuplicates();
    assertThat(KilnMetrics.FIRST_REPORT_BUCKETS).isSorted().doesNotHaveDuplicates();
    assertThat(KilnMetrics.ROLLOUT_BUCKETS).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void everyKnownLabelValueIsAtZeroBeforeAnythingHappened() {
    for (String reason : KilnMetrics.TRAINING_FAILURE_REASONS) {
      assertThat(value("kiln_trainingjob_failures_total{reason=\"" + reason + "\"}")).isZero();
    }
    for (ReportResult result : ReportResult.values()) {
      assertThat(value("kiln_reports_total{result=\"" + result.label() + "\"}")).isZero();
    }
    assertThat(value("kiln_trainingjob_duration_seconds_count{result=\"Failed\"}")).isZero();
    assertThat(value("kiln_trainingjob_first_report_seconds_count")).isZero();
    assertThat(value("kiln_modelserver_rollouts_total{result=\"failed\"}")).isZero();
    assertThat(value("kiln_modelserver_rollout_duration_seconds_count{result=\"complete\"}"))
        .isZero();
  }

  @Test
  void aReasonKubernetesInventsIsCountedFromItsFirstUse() {
    metrics.trainingJobFailed("PodFailurePolicy");

    assertThat(value("kiln_trainingjob_failures_total{reason=\"PodFailurePolicy\"}")).isEqualTo(1);
  }

  @Test
  void aClockStepBackRecordsZeroNotANegativeDuration() {
    metrics.modelServerRollout(true, Duration.ofSeconds(-5));

    assertThat(value("kiln_modelserver_rollout_duration_seconds_sum{result=\"complete\"}"))
        .isZero();
    assertThat(value("kiln_modelserver_rollouts_total{result=\"complete\"}")).isEqualTo(1);
  }

  /** The value of one sample (name and labels as the scrape spells them). */
  private double value(String sample) {
    return registry
        .scrape()
        .lines()
        .filter(l -> l.startsWith(sample + " "))
        .map(l -> Double.parseDouble(l.substring(sample.length() + 1).trim()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no sample " + sample + " in the scrape"));
  }

  private static Duration last(List<Duration> buckets) {
    return buckets.get(buckets.size() - 1);
  }

  private static Duration days(int n) {
    return Duration.ofDays(n);
  }
}
