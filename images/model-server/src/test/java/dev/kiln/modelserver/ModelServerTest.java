package dev.kiln.modelserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelServerTest {
  @TempDir static Path work;
  static IrisModel iris;
  static ModelServer server;
  static Http http;

  @BeforeAll
  static void start() throws Exception {
    iris = IrisModel.train(work, 20);
    server = startServer(iris.dir, "iris");
    http = new Http("http://127.0.0.1:" + server.address().getPort());
    await().atMost(Duration.ofSeconds(30)).until(server::isReady);
  }

  static ModelServer startServer(Path dir, String name) {
    return ModelServer.start(
        new String[] {
          "--model-dir", dir.toString(), "--port", "0", "--grpc-port", "0", "--host", "127.0.0.1"
        },
        Map.of("KILN_MODEL_NAME", name, "KILN_DRAIN_SECONDS", "10"));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static String input(String name, String shape, String datatype, String data) {
    return "{\"inputs\":[{\"name\":\""
        + name
        + "\",\"shape\":"
        + shape
        + ",\"datatype\":\""
        + datatype
        + "\",\"data\":"
        + data
        + "}]}";
  }

  @Test
  void healthEndpoints() throws Exception {
    assertThat(http.get("/v2/health/live").status()).isEqualTo(200);
    Http.Response ready = http.get("/v2/health/ready");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().get("ready").asBoolean()).isTrue();
    assertThat(http.get("/v2/models/iris/ready").status()).isEqualTo(200);
    assertThat(http.get("/v2/models/other/ready").status()).isEqualTo(404);
    assertThat(http.get("/v2").json().get("name").asText()).isEqualTo("kiln-model-server");
  }

  @Test
  void serverMetadataNamesTheKilnVersionFromThePom() throws Exception {
    assertThat(http.get("/v2").json().get("version").asText())
        .isEqualTo(KilnVersion.get())
        .matches("\\d+\\.\\d+\\.\\d+.*");
  }

  @Test
  void modelMetadataDescribesTheOnnxTensors() throws Exception {
    JsonNode meta = http.get("/v2/models/iris").json();
    assertThat(meta.get("name").asText()).isEqualTo("iris");
    assertThat(meta.get("platform").asText()).isEqualTo("onnx");
    assertThat(meta.at("/inputs/0/name").asText()).isEqualTo("input");
    assertThat(meta.at("/inputs/0/datatype").asText()).isEqualTo("FP32");
    assertThat(meta.at("/inputs/0/shape").toString()).isEqualTo("[-1,4]");
    assertThat(meta.at("/outputs/0/name").asText()).isEqualTo("output");
    assertThat(meta.at("/outputs/0/shape").toString()).isEqualTo("[-1,3]");
  }

  @Test
  void inferReturnsOneProbabilityRowPerInputRow() throws Exception {
    IrisModel.Rows rows = iris.heldOut();
    Http.Response r = http.post("/v2/models/iris/infer", rows.inferRequest());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode body = r.json();
    assertThat(body.get("model_name").asText()).isEqualTo("iris");
    assertThat(body.get("id").asText()).isEqualTo("held-out");
    JsonNode out = body.at("/outputs/0");
    assertThat(out.get("datatype").asText()).isEqualTo("FP32");
    assertThat(out.get("shape").toString()).isEqualTo("[" + rows.labels().size() + ",3]");
    assertThat(out.get("data")).hasSize(rows.labels().size() * 3);
    for (int i = 0; i < rows.labels().size(); i++) {
      double sum = 0;
      for (int k = 0; k < 3; k++) {
        sum += out.get("data").get(i * 3 + k).asDouble();
      }
      assertThat(sum).isBetween(0.999, 1.001);
    }
    assertThat(iris.accuracy(body, rows.labels())).isGreaterThan(0.85);
  }

  @Test
  void nestedDataAndExplicitOutputsAreAccepted() throws Exception {
    Http.Response r =
        http.post(
            "/v2/models/iris/infer",
            "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\","
                + "\"data\":[[1,2,3,4]]}],\"outputs\":[{\"name\":\"output\"}]}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().at("/outputs/0/shape").toString()).isEqualTo("[1,3]");
  }

  @Test
  void badTensorsGetClearBadRequests() throws Exception {
    assertBad(input("wrong", "[1,4]", "FP32", "[1,2,3,4]"), "unknown input 'wrong'");
    assertBad(input("input", "[2,4]", "FP32", "[1,2,3,4]"), "needs 8 values, got 4");
    assertBad(input("input", "[1,3]", "FP32", "[1,2,3]"), "model expects [-1, 4]");
    assertBad(input("input", "[4]", "FP32", "[1,2,3,4]"), "expects rank 2");
    assertBad(
        input("input", "[1,4]", "FP64", "[1,2,3,4]"),
        "has datatype FP64 but the model expects FP32");
    assertBad(input("input", "[1,4]", "COMPLEX", "[1,2,3,4]"), "unsupported datatype 'COMPLEX'");
    assertBad(input("input", "[1,4]", "FP32", "[1,\"x\",3,4]"), "\"x\" is not a number");
    assertBad(input("input", "[1,-4]", "FP32", "[1,2,3,4]"), "non-negative integers");
    assertBad("{\"inputs\":[]}", "non-empty array");
    assertBad("[1,2]", "must be a JSON object");
    assertBad(
        "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"data\":[1,2,3,4]}]}",
        "needs a 'shape'");
    assertBad(
        "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[1,2,3,4]}],"
            + "\"outputs\":[{\"name\":\"probabilities\"}]}",
        "unknown output 'probabilities'");
    assertBad("{\"inputs\": [", "malformed JSON");
  }

  private static void assertBad(String body, String reason) throws Exception {
    Http.Response r = http.post("/v2/models/iris/infer", body);
    assertThat(r.status()).as(body).isEqualTo(400);
    assertThat(r.json().get("error").asText()).as(body).contains(reason);
  }

  @Test
  void unknownModelsAndEndpointsAre404AndWrongMethods405() throws Exception {
    Http.Response r =
        http.post("/v2/models/resnet/infer", input("input", "[1,4]", "FP32", "[1,2,3,4]"));
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().get("error").asText()).contains("model 'resnet' not found");
    assertThat(http.get("/v2/models/resnet").status()).isEqualTo(404);
    assertThat(http.get("/v1/models").status()).isEqualTo(404);
    assertThat(http.delete("/v2/models/iris").status()).isEqualTo(405);
  }

  @Test
  void metricsExposeARequestLatencyHistogram() throws Exception {
    assertThat(http.post("/v2/models/iris/infer", iris.heldOut().inferRequest()).status())
        .isEqualTo(200);
    String metrics = http.get("/metrics").body();
    assertThat(metrics)
        .contains("# TYPE kiln_model_server_requests_seconds histogram")
        .containsPattern(
            "kiln_model_server_requests_seconds_bucket\\{method=\"POST\",route=\"/v2/models/\\{name\\}/infer\",status=\"200\",le=\"[0-9.]+\"\\} [1-9]")
        .contains(
            "kiln_model_server_requests_seconds_count{method=\"POST\",route=\"/v2/models/{name}/infer\",status=\"200\"}");
  }

  @Test
  void aModelThatCannotLoadIsLiveButNeverReady(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("model.onnx"), "this is not an onnx model");
    try (ModelServer broken = startServer(dir, "model")) {
      Http client = new Http("http://127.0.0.1:" + broken.address().getPort());
      assertThat(client.get("/v2/health/live").status()).isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> client.get("/v2/models/model").status() == 503);
      assertThat(client.get("/v2/health/ready").status()).isEqualTo(503);
      assertThat(client.get("/v2/models/model/ready").status()).isEqualTo(503);
      assertThat(broken.isReady()).isFalse();
    }
  }

  @Test
  void aMissingModelDirIsRefusedAtStart(@TempDir Path dir) {
    assertThatThrownBy(() -> startServer(dir.resolve("absent"), "model"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void shutdownDrainsInFlightRequestsAndRefusesNewOnes(@TempDir Path dir) throws Exception {
    ModelServer draining = startServer(iris.dir, "model");
    int port = draining.address().getPort();
    await().atMost(Duration.ofSeconds(30)).until(draining::isReady);
    Http client = new Http("http://127.0.0.1:" + port);
    byte[] body =
        input("input", "[1,4]", "FP32", "[1.4,0.2,5.1,3.5]").getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /v2/models/model/infer HTTP/1.1\r\nHost: localhost\r\n"
                  + "Content-Type: application/json\r\nContent-Length: "
                  + body.length
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(body, 0, 10); // the request is now in flight, waiting for the rest of its body
      out.flush();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> client.get("/v2/health/live").status() == 200);

      CompletableFuture<Void> closing = CompletableFuture.runAsync(draining::close);
      await().atMost(Duration.ofSeconds(10)).until(() -> !draining.isReady());
      // New requests are turned away while the old one drains.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> client.get("/v2/health/live").status() == 503);
      assertThat(closing).isNotDone();

      out.write(body, 10, body.length - 10);
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(response).startsWith("HTTP/1.1 200").contains("\"model_name\":\"model\"");
      closing.get(10, java.util.concurrent.TimeUnit.SECONDS);
    }
  }
}
