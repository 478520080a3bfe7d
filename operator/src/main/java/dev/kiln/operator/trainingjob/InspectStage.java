package dev.kiln.operator.trainingjob;

import static dev.kiln.api.v1alpha1.TrainingJobConditions.ARTIFACT_DIGEST_MISMATCH;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.INSPECTING_MODEL;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.INSPECTION_FAILED;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.MODEL_MISSING;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.RUNNING;

import dev.kiln.api.v1alpha1.Failure;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.api.v1alpha1.TrainingJobStatus;
import dev.kiln.operator.support.Failures;
import dev.kiln.operator.support.Jobs;
import dev.kiln.operator.support.Owners;
import dev.kiln.operator.support.Times;
import dev.kiln.operator.trainingjob.TrainingJobStatusCalculator.JobAction;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * After the training Job succeeded, the inspect Job records the model file and checks it against
 * what the trainer reported; only then does the run succeed (or, with spec.output, upload). Pure.
 */
final class InspectStage {
  static final String MODEL_DIR = "KILN_MODEL_DIR (" + UploadJobBuilder.SOURCE_DIR + ")";

  /** How long a finished inspect Job's pod may lag behind it in the cache. */
  static final Duration POD_STATUS_GRACE = Duration.ofSeconds(30);

  private InspectStage() {}

  /** The pods of this run's inspect Job (by owner: a look-alike pod has the labels too). */
  static List<Pod> pods(RunFacts f) {
    Job inspect = f.inspectJob();
    return inspect == null
        ? List.of()
        : f.pods().stream().filter(p -> Owners.controlledBy(p, inspect)).toList();
  }

  /** The inspection's result once its Job completed and its pod left a usable one. */
  static Optional<ModelInspection> result(RunFacts f) {
    return Jobs.trueCondition(f.inspectJob(), Jobs.COMPLETE).isPresent()
        ? ModelInspection.read(pods(f)).map(ModelInspection.Read::inspection)
        : Optional.empty();
  }

  /** True when the status said InspectingModel and this decision moves past it. */
  static boolean leftNow(TrainingJobStatus previous, PhaseDecision decision) {
    boolean was =
        previous != null
            && previous.getConditions() != null
            && previous.getConditions().stream()
                .anyMatch(
                    c -> RUNNING.equals(c.getType()) && INSPECTING_MODEL.equals(c.getReason()));
    boolean still =
        decision.phase() == TrainingJobPhase.Running && INSPECTING_MODEL.equals(decision.reason());
    return was && !still;
  }

  static PhaseDecision decide(RunFacts f) {
    Job inspect = f.inspectJob();
    List<Pod> pods = pods(f);
    Optional<PhaseDecision> verdict = verdict(pods, f);
    if (verdict.isPresent()) {
      return verdict.get();
    }
    Optional<JobCondition> done = Jobs.trueCondition(inspect, Jobs.COMPLETE);
    Optional<JobCondition> failed = Jobs.trueCondition(inspect, Jobs.FAILED);
    Optional<Instant> awaited =
        done.or(() -> failed)
            .filter(c -> ModelInspection.terminations(pods).isEmpty())
            .map(c -> Times.parse(c.getLastTransitionTime()))
            .map(at -> Times.plusSaturating(at, POD_STATUS_GRACE))
            .filter(until -> f.now().isBefore(until));
    if (awaited.isPresent()) {
      // The Job's end reached this cache before its pod's: the pod has the result.
      return inspecting("The inspection ended; waiting for its pod's final status")
          .withRecheck(Recheck.until(f.now(), awaited.get()));
    }
    if (done.isPresent()) {
      return inspected(f, pods, inspect, done.get());
    }
    if (failed.isPresent()) {
      return PhaseDecision.failed(
          failure(pods, failed.get()), ActiveRun.transitionTime(failed.get(), f.now()));
    }
    if (inspect == null
        && FinalReport.succeededTrainer(f.pods()).isEmpty()
        && PodFailures.trainerRunning(f.pods(), TrainingBatchJobBuilder.TRAINER)) {
      // The Job says done before the pod's last update reached this cache: wait for the trainer's
      // termination message, which says what to check.
      return inspecting("Training finished; waiting for the trainer pod's final status");
    }
    return inspecting("Training finished; Kiln is recording the model file and its digest")
        .withAction(inspect == null ? JobAction.CREATE_INSPECT : JobAction.NONE);
  }

  /** The inspection's result is in: the run succeeds, uploads, or fails the trainer's report. */
  private static PhaseDecision inspected(
      RunFacts f, List<Pod> pods, Job inspect, JobCondition done) {
    String at = ActiveRun.transitionTime(done, f.now());
    ModelInspection.Read read =
        ModelInspection.read(pods)
            .orElse(
                new ModelInspection.Read(
                    null, "the inspect Job completed, but its pod and the result are gone"));
    if (read.inspection() == null) {
      return PhaseDecision.failed(Failures.of(INSPECTION_FAILED, read.problem()), at);
    }
    Optional<String> mismatch =
        read.inspection().contradicts(FinalReport.trainerMessage(f.pods()).message());
    if (mismatch.isPresent()) {
      return PhaseDecision.failed(
          Failures.of(ARTIFACT_DIGEST_MISMATCH, mismatch(mismatch.get())), at);
    }
    return f.spec().getOutput() == null
        ? PhaseDecision.of(
            TrainingJobPhase.Succeeded,
            Objects.requireNonNullElse(inspect.getStatus().getCompletionTime(), at))
        : UploadStage.decide(f);
  }

  /** The loader's verdict on the model: there is none, or it is not what the trainer reported. */
  private static Optional<PhaseDecision> verdict(List<Pod> pods, RunFacts f) {
    for (ContainerStateTerminated t : ModelInspection.terminations(pods)) {
      Integer code = t.getExitCode();
      if (code == null
          || (code != InspectJobBuilder.NOT_FOUND && code != InspectJobBuilder.INTEGRITY)) {
        continue;
      }
      String line = TerminationMessage.errorLine(t.getMessage()).orElse("exit code " + code);
      Failure failure =
          code == InspectJobBuilder.NOT_FOUND
              ? Failures.of(
                  MODEL_MISSING,
                  "the trainer exited 0 but wrote no model file under " + MODEL_DIR + ": " + line)
              : Failures.of(ARTIFACT_DIGEST_MISMATCH, mismatch(line));
      failure.setContainer(InspectJobBuilder.INSPECT);
      failure.setExitCode(code);
      String at = t.getFinishedAt() != null ? t.getFinishedAt() : Times.format(f.now());
      return Optional.of(PhaseDecision.failed(failure, at));
    }
    return Optional.empty();
  }

  private static String mismatch(String line) {
    return "the model file is not the one the trainer's termination message describes: " + line;
  }

  private static Failure failure(List<Pod> pods, JobCondition failed) {
    String why =
        PodFailures.lastPodFailure(pods)
            .map(Failure::getMessage)
            .orElse(failed.getMessage() == null ? "the inspect Job failed" : failed.getMessage());
    return Failures.of(INSPECTION_FAILED, "inspecting the model dir failed: " + why);
  }

  private static PhaseDecision inspecting(String message) {
    return PhaseDecision.of(TrainingJobPhase.Running, null).withRunning(INSPECTING_MODEL, message);
  }
}
