package dev.kiln.operator.report;

import dev.kiln.api.v1alpha1.Progress;
import dev.kiln.operator.support.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What the latest reports say about a run, as it goes into status.progress and status.metrics. The
 * ETA extrapolates the rate between the first report of this operator's view and the latest.
 */
public record LiveProgress(
    Progress progress, Map<String, String> metrics, Instant lastReport, long reports) {

  /** Builds the view from the first and the latest report. Pure. */
  public static LiveProgress of(
      ProgressReport first,
      Instant firstAt,
      ProgressReport latest,
      Instant latestAt,
      long reports) {
    Double done = fraction(latest);
    Double start = fraction(first);
    Long eta = null;
    if (done != null && done >= 1.0) {
      eta = 0L;
    } else if (done != null && start != null && done > start && latestAt.isAfter(firstAt)) {
      double seconds = Duration.between(firstAt, latestAt).toMillis() / 1000.0;
      double rate = (done - start) / seconds;
      eta = Math.round((1.0 - done) / rate);
    }
    Progress progress =
        Progress.builder()
            .epoch(latest.epoch())
            .totalEpochs(latest.totalEpochs())
            .step(latest.step())
            .totalSteps(latest.totalSteps())
            .percent(done == null ? null : (int) Math.floor(done * 100))
            .etaSeconds(eta)
            .lastReportTime(Times.format(latestAt))
            .build();
    return new LiveProgress(progress, latest.metrics(), latestAt, reports);
  }

  /** Done fraction from steps when both are known, else from epochs; null if unknown. */
  static Double fraction(ProgressReport r) {
    if (r.step() != null && r.totalSteps() != null && r.totalSteps() > 0) {
      return Math.min(1.0, (double) r.step() / r.totalSteps());
    }
    if (r.epoch() != null && r.totalEpochs() != null && r.totalEpochs() > 0) {
      return Math.min(1.0, (double) r.epoch() / r.totalEpochs());
    }
    return null;
  }
}
