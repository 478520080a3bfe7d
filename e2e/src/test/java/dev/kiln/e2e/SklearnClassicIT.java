package dev.kiln.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.ModelServerPhase;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.sandbox.cluster.RuntimeChoice;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * examples/sklearn-classic as a user runs it: the prepare step and a scikit-learn script with no
 * Kiln code in it train a model, and the example's FastAPI server serves it, all from their own
 * Dockerfiles: built and run as containers when this machine has a container engine (the Python
 * base image made by images/base/build-local-bases.sh), else run with this machine's Python.
 */
class SklearnClassicIT {
  static final String EXAMPLE = "examples/sklearn-classic";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private static E2eCluster cluster;

  @BeforeAll
  static void start() {
    Map<String, String> packages = new LinkedHashMap<>();
    packages.put("sklearn", "python3-sklearn");
    packages.put("pandas", "python3-pandas");
    packages.put("fastapi", "python3-fastapi");
    packages.put("uvicorn", "python3-uvicorn");
    RuntimeChoice runtime = ContainerMode.preferred(SklearnClassicIT.class, "python");
    if (runtime == RuntimeChoice.PROCESS) {
      PythonOnHost.assumeImportable(packages);
    }
    cluster =
        E2eCluster.start(
            SklearnClassicIT.class,
            Map.of(
                "registry.example/kiln-examples/sklearn-prepare:1", EXAMPLE + "/prepare",
                "registry.example/kiln-examples/sklearn-train:1", EXAMPLE + "/train",
                "registry.example/kiln-examples/sklearn-server:1", EXAMPLE + "/server"),
            runtime);
    assumeTrue(
        cluster.isSandbox(), "the example's images are not published: the sandbox builds none");
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void theExampleTrainsWithoutKilnCodeAndItsFastApiServerPredicts() throws Exception {
    String ns = cluster.namespace("sklearn-classic");
    cluster.applyFile(ns, E2eCluster.ROOT.resolve(EXAMPLE + "/trainingjob.yaml"));
    cluster.applyFile(ns, E2eCluster.ROOT.resolve(EXAMPLE + "/modelserver.yaml"));

    TrainingJob tj =
        cluster.awaitTrainingJob(
            ns,
            "iris-sklearn",
            t -> assertThat(t.getStatus().getPhase()).isEqualTo(TrainingJobPhase.Succeeded));
    assertThat(tj.getStatus().getAttempts()).isEqualTo(1);
    Path model = cluster.sandbox().volume(ns, "iris-sklearn-workspace").resolve("model");
    assertThat(model.resolve("model.pkl")).isNotEmptyFile();
    JsonNode metrics = JSON.readTree(Files.readString(model.resolve("metrics.json")));
    assertThat(metrics.path("accuracy").asDouble()).isGreaterThanOrEqualTo(0.9);
    assertThat(metrics.path("f1").asDouble()).isGreaterThan(0.8);
    assertThat(tj.getStatus().getMetrics())
        .as("status.metrics from metrics.json: the trainer wrote no termination message")
        .containsEntry("accuracy", decimal(metrics.path("accuracy").asDouble()))
        .containsKey("f1");
    byte[] pickled = Files.readAllBytes(model.resolve("model.pkl"));
    assertThat(tj.getStatus().getArtifact().getUri())
        .isEqualTo("pvc://iris-sklearn-workspace/model/model.pkl");
    assertThat(tj.getStatus().getArtifact().getFormat()).isEqualTo("pkl");
    assertThat(tj.getStatus().getArtifact().getSizeBytes()).isEqualTo(pickled.length);
    assertThat(tj.getStatus().getArtifact().getSha256())
        .as("computed by Kiln's inspection")
        .isEqualTo(
            java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(pickled)));
    assertThat(
            Files.readString(
                cluster
                    .sandbox()
                    .volume(ns, "iris-sklearn-workspace")
                    .resolve("data/features.csv")))
        .as("the prepare step's output, which the trainer read")
        .startsWith("sepal_length,sepal_width,petal_length,petal_width,species\n");

    ModelServer ms =
        cluster.awaitModelServer(
            ns,
            "iris-sklearn",
            m -> assertThat(m.getStatus().getPhase()).isEqualTo(ModelServerPhase.Ready));
    URI base = cluster.reach(URI.create(ms.getStatus().getUrl()));
    assertThat(get(base.resolve("/health")).path("status").asText()).isEqualTo("ok");
    // Fisher's first flower (a setosa) and a textbook virginica, in the training columns' order.
    JsonNode answer =
        post(
            base.resolve("/predict"),
            "{\"instances\": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]}");
    assertThat(answer.path("predictions").get(0).asText()).isEqualTo("setosa");
    assertThat(answer.path("predictions").get(1).asText()).isEqualTo("virginica");
    JsonNode infer =
        post(
            base.resolve("/v2/models/iris-sklearn/infer"),
            "{\"inputs\": [{\"name\": \"input\", \"shape\": [1, 4], \"datatype\": \"FP32\","
                + " \"data\": [5.1, 3.5, 1.4, 0.2]}]}");
    assertThat(infer.path("outputs").get(0).path("data").get(0).asText()).isEqualTo("setosa");
    cluster
        .sandbox()
        .runtime()
        .engine()
        .ifPresent(
            engine ->
                ContainerMode.assertRanAsContainers(
                    engine, ns, cluster.client().pods().inNamespace(ns).list().getItems()));
  }

  /** How status shows a metric: a decimal string of at most 10 significant digits. */
  private static String decimal(double value) {
    return new java.math.BigDecimal(value)
        .round(new java.math.MathContext(10))
        .stripTrailingZeros()
        .toPlainString();
  }

  private static JsonNode get(URI uri) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static JsonNode post(URI uri, String body) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }
}
