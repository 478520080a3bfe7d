package dev.kiln.operator.trainingjob;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.QualityGateRule;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.api.v1alpha1.TrainingJobSpec;
import dev.kiln.api.v1alpha1.TrainingJobStatus;
import dev.kiln.operator.trainingjob.TrainingJobStatusCalculator.JobAction;
import dev.kiln.operator.trainingjob.TrainingJobStatusCalculator.Observed;
import dev.kiln.operator.trainingjob.TrainingJobStatusCalculator.Outcome;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The status a user sees for each situation of the Job and its pods. */
class TrainingJobStatusCalculatorTest {
  static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  static final Duration STARTUP = Duration.ofMinutes(10);
  final TrainingJobStatusCalculator calculator = new TrainingJobStatusCalculator(STARTUP);

  // ---- the table: Job and pod situations → phase, Running reason, failure --------------------

  static Stream<Arguments> situations() {
    return Stream.of(
        Arguments.of("no Job yet", null, List.of(), T0, TrainingJobPhase.Pending, "Creating", null),
        Arguments.of(
            "Job created, pods not scheduled yet",
            job(),
            List.of(),
            T0.plusSeconds(5),
            TrainingJobPhase.Pending,
            "PodsStarting",
            null),
        Arguments.of(
            "image pull back-off within the startup deadline",
            job(),
            List.of(pod("p1", waiting("ImagePullBackOff"))),
            T0.plusSeconds(60),
            TrainingJobPhase.Pending,
            "ImagePullBackOff",
            null),
        Arguments.of(
            "image pull back-off past the startup deadline",
            job(),
            List.of(pod("p1", waiting("ImagePullBackOff"))),
            T0.plusSeconds(601),
            TrainingJobPhase.Failed,
            "Failed",
            "ImagePullBackOff"),
        Arguments.of(
            "image pull error past the deadline",
            job(),
            List.of(pod("p1", waiting("ErrImagePull"))),
            T0.plusSeconds(601),
            TrainingJobPhase.Failed,
            "Failed",
            "ErrImagePull"),
        Arguments.of(
            "missing ConfigMap or Secret past the deadline",
            job(),
            List.of(pod("p1", waiting("CreateContainerConfigError"))),
            T0.plusSeconds(601),
            TrainingJobPhase.Failed,
            "Failed",
            "CreateContainerConfigError"),
        Arguments.of(
            "unschedulable past the deadline",
            job(),
            List.of(unschedulable("p1")),
            T0.plusSeconds(601),
            TrainingJobPhase.Failed,
            "Failed",
            "Unschedulable"),
        Arguments.of(
            "pods pending past the deadline, no reason given",
            job(),
            List.of(),
            T0.plusSeconds(601),
            TrainingJobPhase.Failed,
            "Failed",
            "StartupDeadlineExceeded"),
        Arguments.of(
            "trainer running",
            job(),
            List.of(pod("p1", running())),
            T0.plusSeconds(30),
            TrainingJobPhase.Running,
            "TrainerRunning",
            null),
        Arguments.of(
            "trainer exited 1 and retries ran out",
            failedJob("BackoffLimitExceeded"),
            List.of(
                pod("p1", terminated(1, "Error", "{\"error\": \"column petal_width missing\"}"))),
            T0.plusSeconds(90),
            TrainingJobPhase.Failed,
            "Failed",
            "Error"),
        Arguments.of(
            "trainer OOM-killed",
            failedJob("BackoffLimitExceeded"),
            List.of(pod("p1", terminated(137, "OOMKilled", null))),
            T0.plusSeconds(90),
            TrainingJobPhase.Failed,
            "Failed",
            "OOMKilled"),
        Arguments.of(
            "pod evicted",
            failedJob("BackoffLimitExceeded"),
            List.of(evicted("p1")),
            T0.plusSeconds(90),
            TrainingJobPhase.Failed,
            "Failed",
            "Evicted"),
        Arguments.of(
            "activeDeadlineSeconds exceeded",
            failedJob("DeadlineExceeded"),
            List.of(pod("p1", terminated(143, "Error", null))),
            T0.plusSeconds(90),
            TrainingJobPhase.Failed,
            "Failed",
            "DeadlineExceeded"),
        Arguments.of(
            "retries ran out, pods already gone",
            failedJob("BackoffLimitExceeded"),
            List.of(),
            T0.plusSeconds(90),
            TrainingJobPhase.Failed,
            "Failed",
            "BackoffLimitExceeded"),
        Arguments.of(
            "Job complete, the model not inspected yet",
            completeJob(),
            List.of(pod("p1", terminated(0, "Completed", null))),
            T0.plusSeconds(90),
            TrainingJobPhase.Running,
            "InspectingModel",
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("situations")
  void phaseConditionsAndFailureFollowTheSituation(
      String situation,
      Job job,
      List<Pod> pods,
      Instant now,
      TrainingJobPhase phase,
      String runningReason,
      String failureReason) {
    TrainingJobStatus status = calculate(trainingJob(), job, pods, now).status();

    assertThat(status.getPhase()).isEqualTo(phase);
    assertThat(condition(status, "Running").getReason()).isEqualTo(runningReason);
    assertThat(condition(status, "Accepted").getStatus()).isEqualTo("True");
    if (failureReason == null) {
      assertThat(status.getFailure()).isNull();
      assertThat(condition(status, "Failed").getStatus()).isEqualTo("False");
    } else {
      assertThat(status.getFailure().getReason()).isEqualTo(failureReason);
      assertThat(condition(status, "Failed").getStatus()).isEqualTo("True");
      assertThat(condition(status, "Failed").getReason()).isEqualTo(failureReason);
      assertThat(status.getFailure().getMessage()).isNotBlank();
      assertThat(status.getCompletionTime()).isNotNull();
    }
    assertThat(status.getConditions())
        .extracting(Condition::getType)
        .containsExactly(
            "Accepted", "Running", "Succeeded", "Failed", "Suspended", "Stalled", "ModelQualified");
  }

  // ---- failures explained ----------------------------------------------------------------------

  @Test
  void nonZeroExitNamesTheExitCodeAndTheTrainersOwnReason() {
    var failure =
        calculate(
                trainingJob(),
                failedJob("BackoffLimitExceeded"),
                List.of(
                    pod(
                        "p1",
                        terminated(2, "Error", "{\"error\": \"column petal_width missing\"}"))),
                T0.plusSeconds(90))
            .status()
            .getFailure();
    assertThat(failure.getExitCode()).isEqualTo(2);
    assertThat(failure.getContainer()).isEqualTo("trainer");
    assertThat(failure.getPod()).isEqualTo("p1");
    assertThat(failure.getMessage()).startsWith("column petal_width missing");
  }

  @Test
  void startupFailureSaysWhichDeadlineAndStopsThePods() {
    Outcome outcome =
        calculate(
            trainingJob(),
            job(),
            List.of(pod("p1", waiting("ImagePullBackOff"))),
            T0.plusSeconds(601));
    assertThat(outcome.status().getFailure().getMessage())
        .startsWith("pods did not start within startupDeadlineSeconds=600: ")
        .contains("Back-off pulling image");
    assertThat(outcome.jobAction()).isEqualTo(JobAction.SUSPEND);
  }

  @Test
  void beforeTheStartupDeadlineTheCalculatorAsksToLookAgainAtTheDeadline() {
    Outcome outcome =
        calculate(
            trainingJob(),
            job(),
            List.of(pod("p1", waiting("ImagePullBackOff"))),
            T0.plusSeconds(100));
    assertThat(outcome.recheckAfter()).contains(Duration.ofSeconds(501));
    assertThat(condition(outcome.status(), "Running").getMessage())
        .contains("Back-off pulling image", "600s");
  }

  @Test
  void invalidSpecFailsWithoutAJobAndSaysWhichField() {
    TrainingJob tj = trainingJob();
    TrainingJobStatus status =
        calculator
            .calculate(
                new Observed(
                    tj,
                    List.of("spec.resources.limits.memory: 'lots' is not a valid quantity"),
                    null,
                    List.of(),
                    T0))
            .status();
    assertThat(status.getPhase()).isEqualTo(TrainingJobPhase.Failed);
    assertThat(status.getFailure().getReason()).isEqualTo("InvalidSpec");
    assertThat(status.getFailure().getMessage()).contains("spec.resources.limits.memory");
    assertThat(condition(status, "Accepted").getStatus()).isEqualTo("False");
  }

  // ---- success: final report, artifact, quality gate -------------------------------------------

  @Test
  void successHasTheTrainersFinalMetricsAndTheArtifactKilnInspected() {
    TrainingJobStatus status =
        calculator
            .calculate(
                Inspections.inspected(
                    trainingJob(),
                    List.of(
                        pod(
                            "p1",
                            terminated(
                                0,
                                "Completed",
                                "{\"metrics\":{\"accuracy\":0.9667,\"loss\":1e-3},\"artifact\":"
                                    + "{\"path\":\"model.onnx\",\"sha256\":\""
                                    + Inspections.SHA
                                    + "\",\"format\":\"onnx\",\"sizeBytes\":99}}"))),
                    Inspections.ONNX,
                    T0.plusSeconds(90)))
            .status();
    assertThat(status.getPhase()).isEqualTo(TrainingJobPhase.Succeeded);
    assertThat(status.getMetrics())
        .containsEntry("accuracy", "0.9667")
        .containsEntry("loss", "0.001");
    assertThat(status.getArtifact().getUri()).isEqualTo("pvc://iris-workspace/model/model.onnx");
    assertThat(status.getArtifact().getSha256()).isEqualTo(Inspections.SHA);
    assertThat(status.getArtifact().getSizeBytes())
        .as("Kiln's, not the trainer's")
        .isEqualTo(1234L);
    assertThat(status.getArtifact().getFormat()).isEqualTo("onnx");
    assertThat(status.getCompletionTime())
        .as("when the inspection ended")
        .isEqualTo("2026-11-22T10:01:25Z");
    assertThat(status.getProgress().getPercent()).isEqualTo(100);
    assertThat(status.getKeyMetric()).isNull();
    assertThat(condition(status, "ModelQualified").getReason()).isEqualTo("NoQualityGate");
  }

  @Test
  void malformedTerminationMessageWarnsOnceAndKeepsTheSuccess() {
    TrainingJob tj = trainingJob();
    List<Pod> pods = List.of(pod("p1", terminated(0, "Completed", "epoch 20 done")));
    Outcome inspecting = calculate(tj, completeJob(), pods, T0.plusSeconds(90));
    assertThat(inspecting.jobAction()).isEqualTo(JobAction.CREATE_INSPECT);
    assertThat(inspecting.warnings())
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.reason()).isEqualTo("TerminationMessageInvalid");
              assertThat(w.message()).contains("not JSON");
            });

    tj.setStatus(inspecting.status());
    Outcome done =
        calculator.calculate(Inspections.inspected(tj, pods, Inspections.ONNX, T0.plusSeconds(95)));
    assertThat(done.status().getPhase()).isEqualTo(TrainingJobPhase.Succeeded);
    assertThat(done.status().getArtifact().getUri())
        .isEqualTo("pvc://iris-workspace/model/model.onnx");
    assertThat(done.warnings()).isEmpty();
  }

  @Test
  void qualityGateFailureNamesTheMetricAndValue() {
    TrainingJob tj = trainingJob();
    tj.getSpec()
        .setQualityGate(List.of(gate("accuracy", QualityGateRule.Operator.GREATER_OR_EQUAL, 0.95)));
    TrainingJobStatus status =
        succeed(
                tj,
                List.of(pod("p1", terminated(0, "Completed", "{\"metrics\":{\"accuracy\":0.91}}"))),
                T0.plusSeconds(90))
            .status();
    Condition qualified = condition(status, "ModelQualified");
    assertThat(qualified.getStatus()).isEqualTo("False");
    assertThat(qualified.getMessage()).isEqualTo("accuracy=0.91 does not meet accuracy >= 0.95");
    assertThat(status.getKeyMetric()).isEqualTo("accuracy=0.91");
  }

  @Test
  void qualityGatePassesWhenEveryCheckHolds() {
    TrainingJob tj = trainingJob();
    tj.getSpec()
        .setQualityGate(
            List.of(
                gate("accuracy", QualityGateRule.Operator.GREATER, 0.9),
                gate("loss", QualityGateRule.Operator.LESS_OR_EQUAL, 0.2)));
    TrainingJobStatus status =
        succeed(
                tj,
                List.of(
                    pod(
                        "p1",
                        terminated(
                            0, "Completed", "{\"metrics\":{\"accuracy\":0.97,\"loss\":0.2}}"))),
                T0.plusSeconds(90))
            .status();
    assertThat(condition(status, "ModelQualified").getStatus()).isEqualTo("True");
  }

  @Test
  void missingGateMetricDisqualifiesTheModel() {
    TrainingJob tj = trainingJob();
    tj.getSpec().setQualityGate(List.of(gate("f1", QualityGateRule.Operator.GREATER, 0.5)));
    TrainingJobStatus status = succeed(tj, List.of(), T0.plusSeconds(90)).status();
    assertThat(condition(status, "ModelQualified").getMessage()).contains("f1 was not reported");
  }

  // ---- suspend, queue, resume ------------------------------------------------------------------

  @Test
  void suspendedBySpecSuspendsTheJob() {
    TrainingJob tj = trainingJob();
    tj.getSpec().setSuspend(true);
    Outcome outcome = calculate(tj, job(), List.of(), T0.plusSeconds(5));
    assertThat(outcome.status().getPhase()).isEqualTo(TrainingJobPhase.Suspended);
    assertThat(outcome.jobAction()).isEqualTo(JobAction.SUSPEND);
    assertThat(condition(outcome.status(), "Suspended").getStatus()).isEqualTo("True");
  }

  @Test
  void kueueHeldJobIsQueuedAndLeftToKueue() {
    TrainingJob tj = trainingJob();
    tj.getMetadata().setLabels(Map.of("kueue.x-k8s.io/queue-name", "gpus"));
    Job held = job();
    held.getSpec().setSuspend(true);
    Outcome outcome = calculate(tj, held, List.of(), T0.plusSeconds(5));
    assertThat(outcome.status().getPhase()).isEqualTo(TrainingJobPhase.Queued);
    assertThat(outcome.jobAction()).isEqualTo(JobAction.NONE);
    assertThat(condition(outcome.status(), "Suspended").getMessage()).contains("gpus");
  }

  @Test
  void unsuspendedSpecResumesASuspendedJob() {
    Job suspended = job();
    suspended.getSpec().setSuspend(true);
    Outcome outcome = calculate(trainingJob(), suspended, List.of(), T0.plusSeconds(5));
    assertThat(outcome.jobAction()).isEqualTo(JobAction.RESUME);
    assertThat(outcome.status().getPhase()).isEqualTo(TrainingJobPhase.Pending);
  }

  // ---- finished runs -------------------------------------------------------------------------

  @Test
  void finishedRunKeepsItsResultWhenItsJobIsGone() {
    TrainingJob tj = trainingJob();
    tj.setStatus(succeed(tj, List.of(), T0.plusSeconds(90)).status());
    assertThat(tj.getStatus().getPhase()).isEqualTo(TrainingJobPhase.Succeeded);
    TrainingJobStatus later = calculate(tj, null, List.of(), T0.plusSeconds(9000)).status();
    assertThat(later).isEqualTo(tj.getStatus());
  }

  @Test
  void ttlDeletesTheJobOnceDueAndNotBefore() {
    TrainingJob tj = trainingJob();
    tj.getSpec().setTtlSecondsAfterFinished(60L);
    Outcome done = succeed(tj, List.of(), T0.plusSeconds(90));
    assertThat(done.jobAction()).isEqualTo(JobAction.NONE);
    assertThat(done.recheckAfter()).isPresent();
    tj.setStatus(done.status());
    Instant completed = Instant.parse(done.status().getCompletionTime());
    assertThat(succeed(tj, List.of(), completed.plusSeconds(59)).jobAction())
        .isEqualTo(JobAction.NONE);
    assertThat(succeed(tj, List.of(), completed.plusSeconds(60)).jobAction())
        .isEqualTo(JobAction.DELETE);
  }

  @Test
  void deadlinesAndTtlAtTheirLargestValueNeverOverflow() {
    TrainingJob tj = trainingJob();
    tj.getSpec().setStartupDeadlineSeconds(Long.MAX_VALUE);
    tj.getSpec().setProgressDeadlineSeconds(Long.MAX_VALUE);
    tj.getSpec().setTtlSecondsAfterFinished(Long.MAX_VALUE);
    Outcome starting =
        calculate(tj, job(), List.of(pod("p1", waiting("ImagePullBackOff"))), T0.plusSeconds(10));
    assertThat(starting.status().getPhase()).isEqualTo(TrainingJobPhase.Pending);
    Outcome running = calculate(tj, job(), List.of(pod("p1", running())), T0.plusSeconds(20));
    assertThat(running.status().getPhase()).isEqualTo(TrainingJobPhase.Running);
    assertThat(condition(running.status(), "Stalled").getStatus()).isEqualTo("False");
    tj.setStatus(running.status());
    Outcome done = succeed(tj, List.of(), T0.plusSeconds(90));
    assertThat(done.status().getPhase()).isEqualTo(TrainingJobPhase.Succeeded);
    assertThat(done.jobAction()).isEqualTo(JobAction.NONE);
    assertThat(done.recheckAfter().orElseThrow().toMillis()).isPositive();
  }

  // ---- condition bookkeeping ------------------------------------------------------------------

  @Test
  void lastTransitionTimeMovesOnlyWhenAConditionFlips() {
    TrainingJob tj = trainingJob();
    tj.setStatus(calculate(tj, job(), List.of(pod("p1", running())), T0.plusSeconds(10)).status());
    TrainingJobStatus again =
        calculate(tj, job(), List.of(pod("p1", running())), T0.plusSeconds(500)).status();
    assertThat(again).isEqualTo(tj.getStatus());
    TrainingJobStatus done = succeed(tj, List.of(), T0.plusSeconds(900)).status();
    assertThat(condition(done, "Accepted").getLastTransitionTime())
        .isEqualTo(condition(tj.getStatus(), "Accepted").getLastTransitionTime());
    assertThat(condition(done, "Running").getLastTransitionTime())
        .isEqualTo("2026-11-22T10:15:00Z");
  }

  @Test
  void stalledWhenNoProgressForTheDeadlineAndClearedWhenReportsResume() {
    TrainingJob tj = trainingJob();
    tj.getSpec().setProgressDeadlineSeconds(300L);
    tj.setStatus(calculate(tj, job(), List.of(pod("p1", running())), T0.plusSeconds(10)).status());
    Outcome quiet = calculate(tj, job(), List.of(pod("p1", running())), T0.plusSeconds(400));
    assertThat(condition(quiet.status(), "Stalled").getStatus()).isEqualTo("True");
    assertThat(condition(quiet.status(), "Stalled").getMessage())
        .contains("progressDeadlineSeconds=300");

    tj.setStatus(quiet.status());
    tj.getStatus()
        .setProgress(
            dev.kiln.api.v1alpha1.Progress.builder()
                .epoch(3L)
                .lastReportTime("2026-11-22T10:06:50Z")
                .build());
    Outcome reporting = calculate(tj, job(), List.of(pod("p1", running())), T0.plusSeconds(420));
    assertThat(condition(reporting.status(), "Stalled").getStatus()).isEqualTo("False");
    assertThat(reporting.recheckAfter()).contains(Duration.ofSeconds(291));
  }

  @Test
  void attemptsCountPodsStartedAndNeverGoDown() {
    TrainingJob tj = trainingJob();
    Job retrying = job();
    retrying.getStatus().setFailed(2);
    retrying.getStatus().setActive(1);
    tj.setStatus(
        calculate(tj, retrying, List.of(pod("p3", running())), T0.plusSeconds(60)).status());
    assertThat(tj.getStatus().getAttempts()).isEqualTo(3);
    Job lagging = job();
    assertThat(calculate(tj, lagging, List.of(), T0.plusSeconds(70)).status().getAttempts())
        .isEqualTo(3);
  }

  @Test
  void aPodWhoseJobAlreadyCountsItIsNotCountedTwice() {
    Job done = completeJob();
    done.getStatus().setActive(0);
    // The pod informer still shows the trainer running; the Job already counts it as succeeded.
    TrainingJobStatus status =
        calculate(trainingJob(), done, List.of(pod("p1", running())), T0.plusSeconds(90)).status();
    assertThat(status.getAttempts()).isEqualTo(1);
  }

  // ---- output.uri: the upload follow-up Job -----------------------------------------------------

  @Test
  void withAnOutputTheRunWaitsForTheUploadAndThenPointsAtTheCopy() {
    TrainingJob tj = trainingJob();
    tj.getSpec().setOutput(dev.kiln.api.v1alpha1.Output.builder().uri("s3://models/iris/").build());
    List<Pod> pods =
        List.of(
            pod(
                "p1",
                terminated(
                    0,
                    "Completed",
                    "{\"artifact\":{\"path\":\"model.onnx\",\"sha256\":\""
                        + Inspections.SHA
                        + "\"}}")));

    Outcome uploading =
        calculator.calculate(
            Inspections.observed(
                tj, pods, "Complete", 0, Inspections.ONNX, null, T0.plusSeconds(90)));
    assertThat(uploading.status().getPhase()).isEqualTo(TrainingJobPhase.Running);
    assertThat(uploading.jobAction()).isEqualTo(JobAction.CREATE_UPLOAD);
    assertThat(condition(uploading.status(), "Running").getReason()).isEqualTo("UploadingModel");
    assertThat(uploading.status().getCompletionTime()).isNull();
    assertThat(uploading.status().getArtifact().getUri())
        .isEqualTo("pvc://iris-workspace/model/model.onnx");

    Job upload = completeJob();
    upload.getMetadata().setName("iris-upload");
    Outcome done =
        calculator.calculate(
            Inspections.observed(
                tj, pods, "Complete", 0, Inspections.ONNX, upload, T0.plusSeconds(95)));
    assertThat(done.status().getPhase()).isEqualTo(TrainingJobPhase.Succeeded);
    assertThat(done.status().getArtifact().getUri()).isEqualTo("s3://models/iris/model.onnx");
    assertThat(done.status().getArtifact().getSha256()).isEqualTo(Inspections.SHA);
    assertThat(done.jobAction()).isEqualTo(JobAction.NONE);
  }

  @Test
  void aFailedUploadFailsTheRunNamingTheDestination() {
    TrainingJob tj = trainingJob();
    tj.getSpec().setOutput(dev.kiln.api.v1alpha1.Output.builder().uri("s3://models/iris/").build());
    Job upload = failedJob("BackoffLimitExceeded");
    upload.getMetadata().setName("iris-upload");
    TrainingJobStatus status =
        calculator
            .calculate(
                Inspections.observed(
                    tj, List.of(), "Complete", 0, Inspections.ONNX, upload, T0.plusSeconds(95)))
            .status();
    assertThat(status.getPhase()).isEqualTo(TrainingJobPhase.Failed);
    assertThat(status.getFailure().getReason()).isEqualTo("UploadFailed");
    assertThat(status.getFailure().getMessage())
        .startsWith("copying the model to s3://models/iris/");
  }

  // ---- fixtures ------------------------------------------------------------------------------

  private Outcome calculate(TrainingJob tj, Job job, List<Pod> pods, Instant now) {
    return calculator.calculate(new Observed(tj, List.of(), job, pods, now));
  }

  /** Training completed with {@code pods} and Kiln's inspection found model.onnx. */
  private Outcome succeed(TrainingJob tj, List<Pod> pods, Instant now) {
    return calculator.calculate(Inspections.inspected(tj, pods, Inspections.ONNX, now));
  }

  static TrainingJob trainingJob() {
    TrainingJob tj = new TrainingJob();
    tj.setMetadata(
        new ObjectMetaBuilder()
            .withName("iris")
            .withNamespace("ml")
            .withUid("u1")
            .withGeneration(1L)
            .build());
    TrainingJobSpec spec = new TrainingJobSpec();
    spec.setImage("trainer:1");
    tj.setSpec(spec);
    return tj;
  }

  static Job job() {
    return new JobBuilder()
        .withNewMetadata()
        .withName("iris-1")
        .withNamespace("ml")
        .withCreationTimestamp(T0.toString())
        .endMetadata()
        .withNewSpec()
        .withSuspend(false)
        .endSpec()
        .withNewStatus()
        .withStartTime(T0.toString())
        .endStatus()
        .build();
  }

  static Job failedJob(String reason) {
    Job job = job();
    job.getStatus().setFailed(4);
    job.getStatus()
        .getConditions()
        .add(
            new io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder()
                .withType("Failed")
                .withStatus("True")
                .withReason(reason)
                .withLastTransitionTime(T0.plusSeconds(80).toString())
                .build());
    return job;
  }

  static Job completeJob() {
    Job job = job();
    job.getStatus().setSucceeded(1);
    job.getStatus().setCompletionTime(T0.plusSeconds(80).toString());
    job.getStatus()
        .getConditions()
        .add(
            new io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder()
                .withType("Complete")
                .withStatus("True")
                .withReason("CompletionsReached")
                .build());
    return job;
  }

  static Pod pod(String name, ContainerStatus trainer) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withCreationTimestamp(T0.toString())
        .endMetadata()
        .withNewStatus()
        .withContainerStatuses(trainer)
        .endStatus()
        .build();
  }

  static Pod unschedulable(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewStatus()
        .addNewCondition()
        .withType("PodScheduled")
        .withStatus("False")
        .withReason("Unschedulable")
        .withMessage("0/3 nodes are available: 3 Insufficient nvidia.com/gpu.")
        .endCondition()
        .endStatus()
        .build();
  }

  static Pod evicted(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewStatus()
        .withPhase("Failed")
        .withReason("Evicted")
        .withMessage("The node was low on resource: ephemeral-storage.")
        .endStatus()
        .build();
  }

  static ContainerStatus running() {
    return new ContainerStatusBuilder()
        .withName("trainer")
        .withNewState()
        .withNewRunning()
        .withStartedAt(T0.plusSeconds(5).toString())
        .endRunning()
        .endState()
        .build();
  }

  static ContainerStatus waiting(String reason) {
    return new ContainerStatusBuilder()
        .withName("trainer")
        .withImage("trainer:1")
        .withNewState()
        .withNewWaiting()
        .withReason(reason)
        .withMessage("Back-off pulling image \"trainer:1\"")
        .endWaiting()
        .endState()
        .build();
  }

  static ContainerStatus terminated(int code, String reason, String message) {
    return new ContainerStatusBuilder()
        .withName("trainer")
        .withNewState()
        .withNewTerminated()
        .withExitCode(code)
        .withReason(reason)
        .withMessage(message)
        .withStartedAt(T0.plusSeconds(5).toString())
        .endTerminated()
        .endState()
        .build();
  }

  static QualityGateRule gate(String metric, QualityGateRule.Operator op, double value) {
    return QualityGateRule.builder().metric(metric).op(op).value(value).build();
  }

  static Condition condition(TrainingJobStatus status, String type) {
    return status.getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElseThrow();
  }
}
