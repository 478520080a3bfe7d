package dev.kiln.operator.trainingjob;

import static dev.kiln.operator.trainingjob.TrainingJobStatusCalculatorTest.T0;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.operator.trainingjob.TrainingJobStatusCalculator.Observed;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The inspect Job and its pod as the Job controller and the kubelet leave them, for unit tests. */
final class Inspections {
  static final String SHA = "9f".repeat(32);
  static final String INSPECT_UID = "inspect-uid";

  /** What the loader writes for model.onnx of 1234 bytes with the digest {@link #SHA}. */
  static final String ONNX = result("model.onnx", SHA, "onnx", "{}", "[]");

  private Inspections() {}

  static String result(String path, String sha, String format, String metrics, String warnings) {
    return "{\"artifact\":{\"path\":\""
        + path
        + "\",\"sha256\":\""
        + sha
        + "\",\"sizeBytes\":1234"
        + (format == null ? "" : ",\"format\":\"" + format + "\"")
        + "},\"metrics\":"
        + metrics
        + ",\"warnings\":"
        + warnings
        + "}";
  }

  /** The inspect Job: running, or finished with the condition {@code type}. */
  static Job job(String finished) {
    Job job =
        new JobBuilder()
            .withNewMetadata()
            .withName("iris-inspect")
            .withNamespace("ml")
            .withUid(INSPECT_UID)
            .endMetadata()
            .withNewSpec()
            .endSpec()
            .withNewStatus()
            .withStartTime(T0.plusSeconds(81).toString())
            .endStatus()
            .build();
    if (finished != null) {
      if (finished.equals("Complete")) {
        job.getStatus().setCompletionTime(T0.plusSeconds(85).toString());
      }
      job.getStatus()
          .getConditions()
          .add(
              new JobConditionBuilder()
                  .withType(finished)
                  .withStatus("True")
                  .withReason(
                      finished.equals("Complete") ? "CompletionsReached" : "PodFailurePolicy")
                  .withLastTransitionTime(T0.plusSeconds(85).toString())
                  .build());
    }
    return job;
  }

  /** A pod of the inspect Job whose inspect-model container exited with this code and message. */
  static Pod pod(int exitCode, String message) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("iris-inspect-x1")
        .withCreationTimestamp(T0.plusSeconds(81).toString())
        .addNewOwnerReference()
        .withKind("Job")
        .withName("iris-inspect")
        .withUid(INSPECT_UID)
        .withController(true)
        .endOwnerReference()
        .endMetadata()
        .withNewStatus()
        .withContainerStatuses(
            new ContainerStatusBuilder()
                .withName(InspectJobBuilder.INSPECT)
                .withNewState()
                .withNewTerminated()
                .withExitCode(exitCode)
                .withMessage(message)
                .withFinishedAt(T0.plusSeconds(84).toString())
                .endTerminated()
                .endState()
                .build())
        .endStatus()
        .build();
  }

  /**
   * The training Job complete with {@code trainerPods}, and the inspect Job finished ({@code
   * finished}: "Complete", "Failed" or null) with one pod whose container exited so.
   */
  static Observed observed(
      TrainingJob tj,
      List<Pod> trainerPods,
      String finished,
      int exitCode,
      String message,
      Job upload,
      Instant now) {
    List<Pod> pods = new ArrayList<>(trainerPods);
    pods.add(pod(exitCode, message));
    return new Observed(
        tj,
        List.of(),
        TrainingJobStatusCalculatorTest.completeJob(),
        pods,
        now,
        null,
        job(finished),
        upload);
  }

  /** The run's inspection completed with {@code result}. */
  static Observed inspected(TrainingJob tj, List<Pod> trainerPods, String result, Instant now) {
    return observed(tj, trainerPods, "Complete", 0, result, null, now);
  }
}
