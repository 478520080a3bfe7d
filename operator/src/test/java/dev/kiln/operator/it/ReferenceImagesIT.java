package dev.kiln.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.operator.KilnOperator;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference trainer, run as a process with exactly the environment of the Job Kiln built (paths
 * mapped to a temp dir), reports to the real endpoint; its termination message becomes the status,
 * checked by the loader's inspect run as the inspect Job Kiln built; the reference model server
 * then serves the ONNX model it wrote.
 */
class ReferenceImagesIT {
  static {
    org.awaitility.Awaitility.ignoreExceptionsByDefault();
  }

  static final Path TRAINER = Path.of("../images/trainer/target/kiln-trainer.jar");
  static final Path SERVER = Path.of("../images/model-server/target/kiln-model-server.jar");

  private KilnTestCluster cluster;
  private KilnOperator operator;
  private Process server;
  @TempDir Path dir;

  @BeforeEach
  void start() {
    assertThat(TRAINER)
        .as("build the images first: ./mvnw verify builds them before this")
        .exists();
    assertThat(SERVER).exists();
    cluster = new KilnTestCluster();
    operator = cluster.startOperator(Map.of("KILN_REPORT_INTERVAL_SECONDS", "1"));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.destroy();
    }
    operator.close();
    cluster.close();
  }

  @Test
  void theReferenceTrainerRunsOnTheJobsEnvironmentAndTheServerServesItsModel() throws Exception {
    TrainingJob tj = TrainingJobs.basic("iris");
    tj.getSpec().setHyperparameters(Map.of("epochs", "8", "learning_rate", "0.1", "seed", "3"));
    cluster.client().resource(tj).create();
    await().atMost(Duration.ofSeconds(15)).until(() -> !cluster.jobs().isEmpty());
    Job job = cluster.jobs().get(0);
    cluster.jobActive("iris-1");
    cluster.pod("iris", "iris-1-a", KilnTestCluster.running());

    LocalPod local = new LocalPod(job, cluster.reportToken("iris"), operator.reportPort(), dir);
    Map<String, String> env = local.environment();
    Path termination = local.terminationLog();
    Path model = local.modelDir();

    ProcessBuilder pb =
        new ProcessBuilder(java(), "-jar", TRAINER.toAbsolutePath().toString())
            .redirectErrorStream(true);
    pb.environment().putAll(env);
    Process process = pb.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(cluster.get("iris").getStatus().getProgress().getEpoch()).isEqualTo(8));

    String message = Files.readString(termination);
    cluster
        .client()
        .pods()
        .inNamespace(KilnTestCluster.NS)
        .withName("iris-1-a")
        .editStatus(
            p -> {
              p.getStatus()
                  .setContainerStatuses(
                      List.of(KilnTestCluster.terminated(0, "Completed", message)));
              return p;
            });
    cluster.jobFinished("iris-1", "Complete", "CompletionsReached", 0, 1);
    LocalInspection.Exit inspected = LocalInspection.inspect(cluster, "iris", model, dir);
    assertThat(inspected.code()).as(inspected.output()).isZero();
    String sha =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(model.resolve("model.onnx"))));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              var status = cluster.get("iris").getStatus();
              assertThat(status.getPhase()).isEqualTo(TrainingJobPhase.Succeeded);
              assertThat(status.getArtifact().getUri())
                  .isEqualTo("pvc://iris-workspace/model/model.onnx");
              assertThat(status.getArtifact().getSha256()).isEqualTo(sha);
              assertThat(status.getArtifact().getSizeBytes())
                  .isEqualTo(Files.size(model.resolve("model.onnx")));
              assertThat(status.getArtifact().getFormat()).isEqualTo("onnx");
              assertThat(Double.parseDouble(status.getMetrics().get("accuracy")))
                  .isGreaterThan(0.8);
            });

    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    server =
        new ProcessBuilder(
                java(),
                "-jar",
                SERVER.toAbsolutePath().toString(),
                "--model-dir",
                model.toString(),
                "--model-name",
                "iris",
                "--port",
                Integer.toString(port),
                "--host",
                "127.0.0.1")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("server.log").toFile())
            .start();
    HttpClient http = HttpClient.newHttpClient();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                http.send(
                            HttpRequest.newBuilder(
                                    URI.create(
                                        "http://127.0.0.1:" + port + "/v2/models/iris/ready"))
                                .build(),
                            HttpResponse.BodyHandlers.discarding())
                        .statusCode()
                    == 200);
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/models/iris/infer"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"inputs\":[{\"name\":\"input\","
                            + "\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[1.4,0.2,5.1,3.5]}]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(answer.body()).contains("\"outputs\"");
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
