package dev.kiln.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.api.v1alpha1.TrainingJobStatus;
import dev.kiln.operator.KilnOperator;
import dev.kiln.testkit.api.ApiCallCounter;
import dev.kiln.testkit.api.RequestLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two kinds of trainer, each through one whole lifecycle with the loader's real {@code inspect}
 * as the inspect Job: one that follows the pod contract (its termination message reports the model
 * and its digest, which Kiln checks) and one that knows nothing of Kiln (it writes model.pkl and
 * metrics.json and exits 0). The operator's API writes per lifecycle are counted for both.
 */
class TrainerKindsIT {
  static {
    org.awaitility.Awaitility.ignoreExceptionsByDefault();
  }

  /**
   * Writes one lifecycle may take: 4 creates (workspace, token Secret, Job, inspect Job), 4 status
   * writes (Pending, Running, InspectingModel, Succeeded) and 3 Events, with room for a status
   * write or two more when the caches lag; a write storm is far above it.
   */
  static final int MAX_WRITES_PER_LIFECYCLE = 13;

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private KilnTestCluster cluster;
  private KilnOperator operator;
  private final RequestLog requests = new RequestLog();

  @BeforeEach
  void start() {
    cluster = new KilnTestCluster();
    operator = cluster.startOperator(Map.of(), requests);
  }

  @AfterEach
  void stop() {
    operator.close();
    cluster.close();
  }

  @Test
  void aContractTrainersReportIsCheckedAndItsLifecycleTakesNoExtraWrites() throws Exception {
    Path model = Files.createDirectories(dir.resolve("model"));
    byte[] onnx = "an onnx graph".getBytes(StandardCharsets.UTF_8);
    Files.write(model.resolve("model.onnx"), onnx);
    String sha = sha256(onnx);
    String message =
        "{\"metrics\":{\"accuracy\":0.97},\"artifact\":{\"path\":\"model.onnx\",\"sha256\":\""
            + sha
            + "\",\"format\":\"onnx\",\"sizeBytes\":"
            + onnx.length
            + "}}";

    int before = requests.writes().size();
    LocalInspection.Exit inspected = train("contract", message, model);

    assertThat(inspected.code()).as(inspected.output()).isZero();
    TrainingJobStatus status = succeeded("contract");
    assertThat(status.getMetrics()).containsEntry("accuracy", "0.97");
    assertThat(status.getArtifact().getUri())
        .isEqualTo("pvc://contract-workspace/model/model.onnx");
    assertThat(status.getArtifact().getSha256()).isEqualTo(sha);
    assertThat(status.getArtifact().getSizeBytes()).isEqualTo(onnx.length);
    assertThat(status.getArtifact().getFormat()).isEqualTo("onnx");
    assertWritesPerLifecycle("contract trainer", before);
  }

  @Test
  void aTrainerThatKnowsNothingOfKilnGetsItsMetricsFileAndAnArtifactKilnComputed()
      throws Exception {
    Path model = Files.createDirectories(dir.resolve("model"));
    byte[] pickle = new byte[] {(byte) 0x80, 4, (byte) 0x95, 1, 2, 3, '.'};
    Files.write(model.resolve("model.pkl"), pickle);
    Files.writeString(model.resolve("metrics.json"), "{\"accuracy\": 0.93, \"f1\": 0.91}");

    int before = requests.writes().size();
    LocalInspection.Exit inspected = train("plain", null, model);

    assertThat(inspected.code()).as(inspected.output()).isZero();
    TrainingJobStatus status = succeeded("plain");
    assertThat(status.getMetrics()).containsEntry("accuracy", "0.93").containsEntry("f1", "0.91");
    assertThat(status.getArtifact().getUri()).isEqualTo("pvc://plain-workspace/model/model.pkl");
    assertThat(status.getArtifact().getSha256()).isEqualTo(sha256(pickle));
    assertThat(status.getArtifact().getSizeBytes()).isEqualTo(pickle.length);
    assertThat(status.getArtifact().getFormat()).isEqualTo("pkl");
    assertWritesPerLifecycle("plain trainer", before);
  }

  @Test
  void aReportedDigestThatDoesNotMatchTheFileFailsTheRunNamingBoth() throws Exception {
    Path model = Files.createDirectories(dir.resolve("model"));
    Files.writeString(model.resolve("model.onnx"), "the file as it is on the volume");
    String actual = sha256("the file as it is on the volume".getBytes(StandardCharsets.UTF_8));
    String reported = sha256("the file the trainer meant".getBytes(StandardCharsets.UTF_8));
    String message = "{\"artifact\":{\"path\":\"model.onnx\",\"sha256\":\"" + reported + "\"}}";

    LocalInspection.Exit inspected = train("tampered", message, model);

    assertThat(inspected.code()).isEqualTo(5);
    TrainingJobStatus status = failed("tampered");
    assertThat(status.getFailure().getReason()).isEqualTo("ArtifactDigestMismatch");
    assertThat(status.getFailure().getMessage())
        .contains("sha256 of model.onnx is " + actual + ", but the trainer reported " + reported);
    assertThat(status.getArtifact()).isNull();
  }

  @Test
  void anEmptyModelDirFailsTheRunSayingSo() throws Exception {
    Path model = Files.createDirectories(dir.resolve("model"));
    Files.writeString(model.resolve("metrics.json"), "{\"accuracy\": 0.93}");

    LocalInspection.Exit inspected = train("empty", null, model);

    assertThat(inspected.code()).isEqualTo(3);
    TrainingJobStatus status = failed("empty");
    assertThat(status.getFailure().getReason()).isEqualTo("ModelMissing");
    assertThat(status.getFailure().getMessage())
        .startsWith(
            "the trainer exited 0 but wrote no model file under KILN_MODEL_DIR (/kiln/model)")
        .contains(".onnx, .safetensors, .pt, .pth, .joblib, .pkl, .pickle, .json");
    assertThat(cluster.events("empty"))
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("ModelMissing"));
  }

  // ---- one lifecycle ---------------------------------------------------------------------------

  /**
   * Creates the TrainingJob and plays the Job controller and the kubelet: the trainer runs, exits 0
   * with {@code message}, the Job completes; then the inspect Job Kiln creates runs the loader on
   * {@code model}.
   */
  private LocalInspection.Exit train(String name, String message, Path model) throws Exception {
    cluster.client().resource(TrainingJobs.basic(name)).create();
    await()
        .atMost(WAIT)
        .until(
            () ->
                cluster.jobs().stream()
                    .anyMatch(j -> j.getMetadata().getName().equals(name + "-1")));
    cluster.jobActive(name + "-1");
    cluster.pod(name, name + "-1-a", KilnTestCluster.running());
    await().atMost(WAIT).until(() -> cluster.phase(name) == TrainingJobPhase.Running);
    cluster
        .client()
        .pods()
        .inNamespace(KilnTestCluster.NS)
        .withName(name + "-1-a")
        .editStatus(
            p -> {
              p.getStatus()
                  .setContainerStatuses(
                      List.of(KilnTestCluster.terminated(0, "Completed", message)));
              return p;
            });
    cluster.jobFinished(name + "-1", "Complete", "CompletionsReached", 0, 1);
    return LocalInspection.inspect(cluster, name, model, dir.resolve("inspect-" + name));
  }

  private TrainingJobStatus succeeded(String name) {
    await().atMost(WAIT).until(() -> cluster.phase(name) == TrainingJobPhase.Succeeded);
    return cluster.get(name).getStatus();
  }

  private TrainingJobStatus failed(String name) {
    await().atMost(WAIT).until(() -> cluster.phase(name) == TrainingJobPhase.Failed);
    return cluster.get(name).getStatus();
  }

  /** Checks the operator stays quiet after the run, prints its writes and bounds them. */
  private void assertWritesPerLifecycle(String kind, int before) {
    int after = requests.writes().size();
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .until(() -> requests.writes().size() == after);
    var writes = requests.writes().subList(before, requests.writes().size());
    Map<String, Long> counts = ApiCallCounter.count(writes);
    System.out.printf("API writes per lifecycle, %s: %d %s%n", kind, writes.size(), counts);
    assertThat(writes)
        .as("%s: %s", kind, counts)
        .hasSizeLessThanOrEqualTo(MAX_WRITES_PER_LIFECYCLE);
    assertThat(counts)
        .as(kind)
        .containsEntry("create batch/jobs", 2L)
        .containsEntry("create /persistentvolumeclaims", 1L);
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
