package dev.kiln.operator.trainingjob;

import static dev.kiln.operator.trainingjob.TrainingJobStatusCalculatorTest.T0;
import static dev.kiln.operator.trainingjob.TrainingJobStatusCalculatorTest.completeJob;
import static dev.kiln.operator.trainingjob.TrainingJobStatusCalculatorTest.condition;
import static dev.kiln.operator.trainingjob.TrainingJobStatusCalculatorTest.pod;
import static dev.kiln.operator.trainingjob.TrainingJobStatusCalculatorTest.running;
import static dev.kiln.operator.trainingjob.TrainingJobStatusCalculatorTest.terminated;
import static dev.kiln.operator.trainingjob.TrainingJobStatusCalculatorTest.trainingJob;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.api.v1alpha1.TrainingJobStatus;
import dev.kiln.operator.report.LiveProgress;
import dev.kiln.operator.trainingjob.TrainingJobStatusCalculator.JobAction;
import dev.kiln.operator.trainingjob.TrainingJobStatusCalculator.Observed;
import dev.kiln.operator.trainingjob.TrainingJobStatusCalculator.Outcome;
import dev.kiln.operator.trainingjob.TrainingJobStatusCalculator.Warning;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * After the training Job succeeded: Kiln's inspection of the model dir decides the artifact, the
 * metrics of a trainer without a termination message, and whether the trainer's report holds.
 */
class InspectStageTest {
  static final String OTHER_SHA = "ab".repeat(32);
  final TrainingJobStatusCalculator calculator =
      new TrainingJobStatusCalculator(Duration.ofMinutes(10));

  /** A trainer that follows the contract: it reports the model file and its digest. */
  static Pod contractTrainer(String sha) {
    return pod(
        "p1",
        terminated(
            0,
            "Completed",
            "{\"metrics\":{\"accuracy\":0.97},\"artifact\":{\"path\":\"model.onnx\",\"sha256\":\""
                + sha
                + "\",\"format\":\"onnx\"}}"));
  }

  /** A trainer that knows nothing of Kiln: it exits 0 and says nothing. */
  static Pod plainTrainer() {
    return pod("p1", terminated(0, "Completed", null));
  }

  // ---- while the inspection runs ---------------------------------------------------------------

  @Test
  void trainingDoneStartsTheInspectionAndTheRunIsNotYetSucceeded() {
    Outcome o =
        calculator.calculate(
            new Observed(
                trainingJob(),
                List.of(),
                completeJob(),
                List.of(contractTrainer(Inspections.SHA)),
                T0.plusSeconds(81)));

    assertThat(o.jobAction()).isEqualTo(JobAction.CREATE_INSPECT);
    assertThat(o.status().getPhase()).isEqualTo(TrainingJobPhase.Running);
    assertThat(condition(o.status(), "Running").getReason()).isEqualTo("InspectingModel");
    assertThat(condition(o.status(), "Running").getMessage())
        .isEqualTo("Training finished; Kiln is recording the model file and its digest");
    assertThat(o.status().getArtifact()).as("only Kiln's own record, once it exists").isNull();
    assertThat(o.status().getMetrics()).containsEntry("accuracy", "0.97");
    assertThat(o.status().getProgress().getPercent()).isEqualTo(100);
    assertThat(o.status().getCompletionTime()).isNull();
  }

  @Test
  void aTrainerPodThatStillLooksRunningIsAwaitedSoItsReportCanBeChecked() {
    Outcome o =
        calculator.calculate(
            new Observed(
                trainingJob(), List.of(), completeJob(), List.of(pod("p1", running())), T0));
    assertThat(o.jobAction()).isEqualTo(JobAction.NONE);
    assertThat(condition(o.status(), "Running").getMessage())
        .contains("waiting for the trainer pod's final status");
  }

  @Test
  void aRunningInspectionIsLeftToRun() {
    Observed o =
        new Observed(
            trainingJob(),
            List.of(),
            completeJob(),
            List.of(plainTrainer()),
            T0.plusSeconds(83),
            null,
            Inspections.job(null),
            null);
    Outcome outcome = calculator.calculate(o);
    assertThat(outcome.jobAction()).isEqualTo(JobAction.NONE);
    assertThat(condition(outcome.status(), "Running").getReason()).isEqualTo("InspectingModel");
  }

  @Test
  void anInspectJobEndingAtTheLastRepresentableInstantDoesNotBreakTheStatus() {
    // Found by TrainingJobStatusPropertiesTest: the grace for the pod's status was added to the
    // Job's transition time without saturation, and the status calculation threw on every
    // reconcile.
    io.fabric8.kubernetes.api.model.batch.v1.Job inspect = Inspections.job("Complete");
    inspect
        .getStatus()
        .getConditions()
        .get(0)
        .setLastTransitionTime(java.time.Instant.MAX.toString());
    Observed o =
        new Observed(
            trainingJob(),
            List.of(),
            completeJob(),
            List.of(plainTrainer()),
            T0.plusSeconds(86),
            null,
            inspect,
            null);

    Outcome outcome = calculator.calculate(o);

    assertThat(outcome.status().getPhase()).isEqualTo(TrainingJobPhase.Running);
    assertThat(outcome.recheckAfter()).hasValueSatisfying(d -> assertThat(d).isPositive());
  }

  @Test
  void aFinishedInspectionWhosePodLagsIsAwaitedThenFailsWhenItNeverComes() {
    // The inspect Job ended at T0+85; its pod is not in the cache.
    Observed lagging =
        new Observed(
            trainingJob(),
            List.of(),
            completeJob(),
            List.of(plainTrainer()),
            T0.plusSeconds(86),
            null,
            Inspections.job("Complete"),
            null);
    Outcome waiting = calculator.calculate(lagging);
    assertThat(waiting.status().getPhase()).isEqualTo(TrainingJobPhase.Running);
    assertThat(condition(waiting.status(), "Running").getMessage())
        .isEqualTo("The inspection ended; waiting for its pod's final status");
    assertThat(waiting.recheckAfter().orElseThrow())
        .isBetween(Duration.ofSeconds(28), Duration.ofSeconds(30));

    Outcome gone =
        calculator.calculate(
            new Observed(
                lagging.trainingJob(),
                List.of(),
                lagging.job(),
                lagging.pods(),
                T0.plusSeconds(116),
                null,
                lagging.inspectJob(),
                null));
    assertThat(gone.status().getFailure().getReason()).isEqualTo("InspectionFailed");
    assertThat(gone.status().getFailure().getMessage())
        .isEqualTo("the inspect Job completed, but its pod and the result are gone");
  }

  @Test
  void aSucceededTrainerIsEnoughEvenIfAnotherPodStillLooksRunning() {
    Outcome o =
        calculator.calculate(
            new Observed(
                trainingJob(),
                List.of(),
                completeJob(),
                List.of(pod("p0", running()), contractTrainer(Inspections.SHA)),
                T0.plusSeconds(81)));
    assertThat(o.jobAction()).isEqualTo(JobAction.CREATE_INSPECT);
  }

  // ---- the two kinds of trainer
  // ------------------------------------------------------------------

  @Test
  void aPlainTrainerGetsItsMetricsFromTheMetricsFileAndKilnsArtifact() {
    TrainingJob tj = trainingJob();
    String result =
        Inspections.result(
            "model.pkl", Inspections.SHA, "pkl", "{\"accuracy\":0.93,\"f1\":0.9}", "[]");
    LiveProgress live = new LiveProgress(null, Map.of("loss", "0.3", "accuracy", "0.5"), T0, 2);
    Observed inspected =
        Inspections.inspected(tj, List.of(plainTrainer()), result, T0.plusSeconds(90));
    TrainingJobStatus status =
        calculator
            .calculate(
                new Observed(
                    tj,
                    List.of(),
                    inspected.job(),
                    inspected.pods(),
                    inspected.now(),
                    live,
                    inspected.inspectJob(),
                    null))
            .status();

    assertThat(status.getPhase()).isEqualTo(TrainingJobPhase.Succeeded);
    assertThat(status.getMetrics())
        .as("the metrics file's final values over the live ones")
        .containsEntry("accuracy", "0.93")
        .containsEntry("f1", "0.9")
        .containsEntry("loss", "0.3");
    assertThat(status.getArtifact().getUri()).isEqualTo("pvc://iris-workspace/model/model.pkl");
    assertThat(status.getArtifact().getSha256()).isEqualTo(Inspections.SHA);
    assertThat(status.getArtifact().getSizeBytes()).isEqualTo(1234L);
    assertThat(status.getArtifact().getFormat()).isEqualTo("pkl");
  }

  @Test
  void theTerminationMessagesMetricsWinOverTheMetricsFile() {
    String result =
        Inspections.result(
            "model.onnx", Inspections.SHA, "onnx", "{\"accuracy\":0.1,\"f1\":0.2}", "[]");
    TrainingJobStatus status =
        calculator
            .calculate(
                Inspections.inspected(
                    trainingJob(), List.of(contractTrainer(Inspections.SHA)), result, T0))
            .status();
    assertThat(status.getMetrics()).containsExactly(Map.entry("accuracy", "0.97"));
  }

  @Test
  void aFileOfUnknownFormatTakesTheFormatTheTrainerNamed() {
    Pod trainer =
        pod(
            "p1",
            terminated(
                0, "Completed", "{\"artifact\":{\"path\":\"model.bin\",\"format\":\"xgboost\"}}"));
    String result = Inspections.result("model.bin", Inspections.SHA, null, "{}", "[]");
    TrainingJobStatus status =
        calculator
            .calculate(Inspections.inspected(trainingJob(), List.of(trainer), result, T0))
            .status();
    assertThat(status.getArtifact().getFormat()).isEqualTo("xgboost");
    assertThat(status.getArtifact().getUri()).endsWith("/model/model.bin");
  }

  @Test
  void aReportedFolderMatchesTheModelFileInspectedInIt() {
    Pod trainer =
        pod(
            "p1",
            terminated(
                0,
                "Completed",
                "{\"artifact\":{\"path\":\"export\",\"sha256\":\"" + Inspections.SHA + "\"}}"));
    String result =
        Inspections.result("export/model.safetensors", Inspections.SHA, "safetensors", "{}", "[]");
    TrainingJobStatus status =
        calculator
            .calculate(Inspections.inspected(trainingJob(), List.of(trainer), result, T0))
            .status();
    assertThat(status.getPhase()).isEqualTo(TrainingJobPhase.Succeeded);
    assertThat(status.getArtifact().getUri()).endsWith("/model/export/model.safetensors");
  }

  @Test
  void theInspectionsWarningsAreEmittedOnceWhenItsResultIsFirstUsed() {
    TrainingJob tj = trainingJob();
    Outcome inspecting =
        calculator.calculate(
            new Observed(
                tj,
                List.of(),
                completeJob(),
                List.of(plainTrainer()),
                T0.plusSeconds(81),
                null,
                Inspections.job(null),
                null));
    tj.setStatus(inspecting.status());
    String result =
        Inspections.result(
            "model.pkl",
            Inspections.SHA,
            "pkl",
            "{}",
            "[\"metrics.json: loss is NaN, not a finite number (skipped)\"]");

    Outcome done =
        calculator.calculate(
            Inspections.inspected(tj, List.of(plainTrainer()), result, T0.plusSeconds(90)));
    assertThat(done.warnings())
        .containsExactly(
            new Warning(
                "ModelInspectionWarning",
                "metrics.json: loss is NaN, not a finite number (skipped)"));

    tj.setStatus(done.status());
    assertThat(
            calculator
                .calculate(
                    Inspections.inspected(tj, List.of(plainTrainer()), result, T0.plusSeconds(99)))
                .warnings())
        .isEmpty();
  }

  // ---- the inspection fails the run ------------------------------------------------------------

  @Test
  void aDigestThatDoesNotMatchFailsTheRunNamingBothDigestsAndTheFile() {
    String line =
        "sha256 of model.onnx is " + Inspections.SHA + ", but the trainer reported " + OTHER_SHA;
    Outcome o =
        calculator.calculate(
            Inspections.observed(
                trainingJob(),
                List.of(contractTrainer(OTHER_SHA)),
                null,
                5,
                "{\"error\":\"" + line + "\"}",
                null,
                T0.plusSeconds(90)));

    TrainingJobStatus status = o.status();
    assertThat(status.getPhase()).isEqualTo(TrainingJobPhase.Failed);
    assertThat(status.getFailure().getReason()).isEqualTo("ArtifactDigestMismatch");
    assertThat(status.getFailure().getMessage())
        .isEqualTo(
            "the model file is not the one the trainer's termination message describes: " + line);
    assertThat(status.getFailure().getContainer()).isEqualTo("inspect-model");
    assertThat(status.getFailure().getExitCode()).isEqualTo(5);
    assertThat(status.getArtifact()).isNull();
    assertThat(condition(status, "Failed").getReason()).isEqualTo("ArtifactDigestMismatch");
    assertThat(condition(status, "ModelQualified").getReason()).isEqualTo("RunFailed");
    assertThat(o.jobAction()).isEqualTo(JobAction.NONE);
  }

  @Test
  void aReportThatTheInspectionContradictsFailsTheRunEvenWhenTheLoaderWasNotTold() {
    // The trainer's report reached the cache only after the inspect Job was created.
    TrainingJobStatus status =
        calculator
            .calculate(
                Inspections.inspected(
                    trainingJob(), List.of(contractTrainer(OTHER_SHA)), Inspections.ONNX, T0))
            .status();
    assertThat(status.getFailure().getReason()).isEqualTo("ArtifactDigestMismatch");
    assertThat(status.getFailure().getMessage())
        .endsWith(
            "sha256 of model.onnx is "
                + Inspections.SHA
                + ", but the trainer reported "
                + OTHER_SHA);
  }

  @Test
  void anEmptyModelDirFailsTheRunSayingTheTrainerWroteNoModel() {
    String line =
        "found no model file (ending in .onnx, .safetensors, .pt, .pth, .joblib, .pkl, .pickle,"
            + " .json) in /kiln/model; the metrics file metrics.json does not count";
    TrainingJobStatus status =
        calculator
            .calculate(
                Inspections.observed(
                    trainingJob(),
                    List.of(plainTrainer()),
                    "Failed",
                    3,
                    "{\"error\":\"" + line + "\"}",
                    null,
                    T0.plusSeconds(90)))
            .status();
    assertThat(status.getPhase()).isEqualTo(TrainingJobPhase.Failed);
    assertThat(status.getFailure().getReason()).isEqualTo("ModelMissing");
    assertThat(status.getFailure().getMessage())
        .isEqualTo(
            "the trainer exited 0 but wrote no model file under KILN_MODEL_DIR (/kiln/model): "
                + line);
    assertThat(status.getCompletionTime()).isEqualTo("2026-11-22T10:01:24Z");
  }

  @Test
  void aFailedInspectionFailsTheRunWithTheLoadersLine() {
    TrainingJobStatus status =
        calculator
            .calculate(
                Inspections.observed(
                    trainingJob(),
                    List.of(plainTrainer()),
                    "Failed",
                    1,
                    "{\"error\":\"AccessDeniedException: /kiln/model/model.pkl\"}",
                    null,
                    T0.plusSeconds(90)))
            .status();
    assertThat(status.getFailure().getReason()).isEqualTo("InspectionFailed");
    assertThat(status.getFailure().getMessage())
        .isEqualTo("inspecting the model dir failed: AccessDeniedException: /kiln/model/model.pkl");
  }

  @Test
  void aResultThatCannotBeReadFailsTheRunRatherThanRecordingNothing() {
    TrainingJobStatus status =
        calculator
            .calculate(
                Inspections.inspected(
                    trainingJob(),
                    List.of(plainTrainer()),
                    "{\"artifact\":{\"path\":\"m.onnx\"}}",
                    T0))
            .status();
    assertThat(status.getFailure().getReason()).isEqualTo("InspectionFailed");
    assertThat(status.getFailure().getMessage())
        .startsWith("the model inspection left no usable result: ");
  }
}
