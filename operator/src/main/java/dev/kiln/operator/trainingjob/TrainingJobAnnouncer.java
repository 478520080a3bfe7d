package dev.kiln.operator.trainingjob;

import dev.kiln.api.v1alpha1.Artifact;
import dev.kiln.api.v1alpha1.Failure;
import dev.kiln.api.v1alpha1.StorageUri;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobEvents;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.api.v1alpha1.TrainingJobStatus;
import dev.kiln.operator.support.EventRecorder;
import dev.kiln.operator.support.KilnMetrics;
import dev.kiln.operator.support.Times;
import dev.kiln.operator.trainingjob.TrainingJobStatusCalculator.Warning;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One Event, one log line and the metrics for each phase transition of a TrainingJob. */
record TrainingJobAnnouncer(EventRecorder events, KilnMetrics metrics) {
  private static final Logger log = LoggerFactory.getLogger(TrainingJobReconciler.class);

  /**
   * The phase change, then the warnings: an unusable termination message, what the model inspection
   * skipped.
   */
  void announce(
      TrainingJob tj,
      TrainingJobPhase before,
      TrainingJobStatus status,
      List<Warning> warnings,
      Instant now) {
    TrainingJobPhase after = status.getPhase();
    if (after != before && after != null) {
      event(tj, before, status);
      if (after.isFinished()) {
        Instant created = Times.parse(tj.getMetadata().getCreationTimestamp());
        metrics.trainingJobFinished(
            after, created == null ? Duration.ZERO : Duration.between(created, now));
      }
      log.info("phase {} -> {}", before, after);
    }
    warnings.forEach(w -> events.warning(tj, w.reason(), w.message()));
  }

  private void event(TrainingJob tj, TrainingJobPhase before, TrainingJobStatus status) {
    switch (status.getPhase()) {
      case Running -> events.normal(tj, TrainingJobEvents.RUNNING, "Training started");
      case Succeeded ->
          events.normal(
              tj, TrainingJobEvents.SUCCEEDED, "Training succeeded" + model(status.getArtifact()));
      case Failed -> {
        Failure f = status.getFailure();
        events.warning(tj, f.getReason(), f.getMessage());
        metrics.trainingJobFailed(f.getReason());
      }
      case Suspended ->
          events.normal(tj, TrainingJobEvents.SUSPENDED, "The run is suspended (spec.suspend)");
      case Queued ->
          events.normal(tj, TrainingJobEvents.QUEUED, "Waiting for Kueue to admit the Job");
      case Pending -> {
        if (before == TrainingJobPhase.Suspended || before == TrainingJobPhase.Queued) {
          events.normal(tj, TrainingJobEvents.RESUMED, "The run is resuming");
        }
      }
    }
  }

  /** Where the model is and what Kiln recorded of it: the one Event that tells of the artifact. */
  private static String model(Artifact a) {
    if (a == null) {
      return "";
    }
    return "; model at "
        + StorageUri.redacted(a.getUri())
        + " (sha256 "
        + a.getSha256()
        + ", "
        + a.getSizeBytes()
        + " bytes"
        + (a.getFormat() == null ? "" : ", " + a.getFormat())
        + ", recorded by Kiln)";
  }
}
