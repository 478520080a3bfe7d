package dev.kiln.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The model server image serving the model the trainer image wrote, as a restricted pod runs it: a
 * read-only root file system with an emptyDir at /tmp (ONNX Runtime unpacks its library there), the
 * model read-only, and a user other than the trainer's that shares the workspace through the pod's
 * fsGroup (65532).
 */
class ModelServerContainerIT {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void servesTheTrainedModelReadOnlyAndPassesItsOwnHealthcheck() throws Exception {
    TrainedModel.Run trained = TrainedModel.get();
    assertThat(trained.result().exitCode()).as(trained.result().stderr()).isZero();
    ContainerEngine engine = Images.engine();
    String image = Images.image("model-server");
    int port = Images.freePort();
    List<String> args = new ArrayList<>(List.of("--network", "host", "--group-add", "65532"));
    args.addAll(TrainerPod.restricted("1000:1000"));
    args.addAll(
        List.of(
            "--health-interval",
            "disable", // run on demand below; no systemd timer here
            "-v",
            trained.modelDir() + ":/mnt/models:ro",
            "-e",
            "KILN_HOST=127.0.0.1",
            "-e",
            "KILN_PORT=" + port,
            "-e",
            "KILN_MODEL_NAME=iris",
            image));
    if (!engine.name().equals("podman")) {
      args.removeAll(List.of("--health-interval", "disable"));
    }
    try (Container server = Container.start(engine, "kiln-model-server", args)) {
      String base = "http://127.0.0.1:" + port;
      await("model server ready; logs: " + server.name())
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .until(() -> get(base + "/v2/health/ready") == 200);

      // A setosa flower, its features in the order the model's metadata.json gives.
      JsonNode meta = Images.JSON.readTree(trained.modelDir().resolve("metadata.json").toFile());
      Map<String, Double> setosa =
          Map.of("sepal_length", 5.1, "sepal_width", 3.5, "petal_length", 1.4, "petal_width", 0.2);
      List<Double> row = new ArrayList<>();
      meta.get("features").forEach(f -> row.add(setosa.get(f.asText())));
      HttpResponse<String> infer =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(base + "/v2/models/iris/infer"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\","
                              + "\"data\":"
                              + row
                              + "}]}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(infer.statusCode()).as(infer.body()).isEqualTo(200);
      JsonNode scores = Images.JSON.readTree(infer.body()).at("/outputs/0/data");
      int best = 0;
      for (int i = 1; i < scores.size(); i++) {
        best = scores.get(i).asDouble() > scores.get(best).asDouble() ? i : best;
      }
      assertThat(meta.at("/labels/" + best).asText()).as(infer.body()).isEqualTo("setosa");

      ContainerEngine.Result health = server.healthcheck(Images.healthcheck(image));
      assertThat(health.exitCode()).as(health.stdout() + health.stderr()).isZero();

      ContainerEngine.Result write = server.exec(List.of("touch", "/opt/kiln/written"));
      assertThat(write.exitCode()).as("the root file system is read-only").isNotZero();
    }
  }

  private static int get(String url) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
