package dev.kiln.operator.trainingjob;

import static dev.kiln.api.v1alpha1.TrainingJobConditions.UPLOADING_MODEL;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.UPLOAD_FAILED;

import dev.kiln.api.v1alpha1.Failure;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.operator.support.Failures;
import dev.kiln.operator.support.Jobs;
import dev.kiln.operator.support.KilnLabels;
import dev.kiln.operator.trainingjob.TrainingJobStatusCalculator.JobAction;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** With spec.output, a trained run succeeds once the upload Job copied the model there. Pure. */
final class UploadStage {
  private UploadStage() {}

  static PhaseDecision decide(RunFacts f) {
    String target = f.spec().getOutput().getUri();
    Job up = f.uploadJob();
    Optional<JobCondition> done = Jobs.trueCondition(up, Jobs.COMPLETE);
    Optional<JobCondition> failed = Jobs.trueCondition(up, Jobs.FAILED);
    if (done.isPresent()) {
      return PhaseDecision.of(
          TrainingJobPhase.Succeeded,
          Objects.requireNonNullElse(
              up.getStatus().getCompletionTime(), ActiveRun.transitionTime(done.get(), f.now())));
    }
    if (failed.isPresent()) {
      return PhaseDecision.failed(
          failure(f.pods(), failed.get(), target), ActiveRun.transitionTime(failed.get(), f.now()));
    }
    return PhaseDecision.of(TrainingJobPhase.Running, null)
        .withRunning(UPLOADING_MODEL, "Training finished; copying the model to " + target)
        .withAction(up == null ? JobAction.CREATE_UPLOAD : JobAction.NONE);
  }

  private static Failure failure(List<Pod> pods, JobCondition failed, String target) {
    List<Pod> uploadPods =
        pods.stream()
            .filter(
                p ->
                    p.getMetadata().getLabels() != null
                        && UploadJobBuilder.UPLOAD.equals(
                            p.getMetadata().getLabels().get(KilnLabels.COMPONENT)))
            .toList();
    String why =
        PodFailures.lastPodFailure(uploadPods)
            .map(Failure::getMessage)
            .orElse(failed.getMessage() == null ? "the upload Job failed" : failed.getMessage());
    return Failures.of(UPLOAD_FAILED, "copying the model to " + target + " failed: " + why);
  }
}
