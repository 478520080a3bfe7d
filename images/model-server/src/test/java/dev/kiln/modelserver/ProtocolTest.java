package dev.kiln.modelserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Version routes, the request id, per-model metrics and where inference runs. */
class ProtocolTest {
  static final String SUM =
      "{\"inputs\":[{\"name\":\"a\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[1,2]},"
          + "{\"name\":\"b\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[[0.5,0.25]]},"
          + "{\"name\":\"n\",\"shape\":[1],\"datatype\":\"INT64\",\"data\":[9007199254740993]}]";

  @TempDir static Path work;
  static Path modelDir;
  static ModelServer server;
  static Http http;

  @BeforeAll
  static void start() throws Exception {
    modelDir = TwoInputModel.write(work.resolve("two"));
    server = ModelServerTest.startServer(modelDir, "two");
    http = new Http("http://127.0.0.1:" + server.address().getPort());
    await().atMost(Duration.ofSeconds(30)).until(server::isReady);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void versionOneHasTheSameRoutesAndOtherVersionsAre404() throws Exception {
    JsonNode meta = http.get("/v2/models/two/versions/1").json();
    assertThat(meta.get("versions").toString()).isEqualTo("[\"1\"]");
    assertThat(meta.at("/inputs/2/datatype").asText()).isEqualTo("INT64");
    assertThat(http.get("/v2/models/two/versions/1/ready").status()).isEqualTo(200);
    Http.Response infer = http.post("/v2/models/two/versions/1/infer", SUM + "}");
    assertThat(infer.status()).as(infer.body()).isEqualTo(200);
    assertThat(infer.json().get("model_version").asText()).isEqualTo("1");

    Http.Response other = http.get("/v2/models/two/versions/2");
    assertThat(other.status()).isEqualTo(404);
    assertThat(other.json().get("error").asText()).contains("has no version '2'");
    assertThat(http.get("/v2/models/two/versions/2/ready").status()).isEqualTo(404);
    assertThat(http.post("/v2/models/two/versions/2/infer", SUM + "}").status()).isEqualTo(404);
    assertThat(http.post("/v2/models/other/versions/1/infer", SUM + "}").status()).isEqualTo(404);
    assertThat(http.get("/v2/models/two/versions/1/infer").status()).isEqualTo(405);
  }

  @Test
  void theAnswerKeepsEveryValueExactly() throws Exception {
    JsonNode body = http.post("/v2/models/two/infer", SUM + "}").json();
    assertThat(body.at("/outputs/0/data").toString()).isEqualTo("[1.5,2.25]");
    assertThat(body.at("/outputs/1/datatype").asText()).isEqualTo("INT64");
    // 2^53 + 1 + 1: a long all the way, never a double.
    assertThat(body.at("/outputs/1/data/0").asLong()).isEqualTo(9007199254740994L);
  }

  @Test
  void theIdIsAStringEvenWhenTheClientSendsANumber() throws Exception {
    assertThat(
            http.post("/v2/models/two/infer", SUM + ",\"id\":\"r-1\"}")
                .json()
                .get("id")
                .isTextual())
        .isTrue();
    JsonNode numeric = http.post("/v2/models/two/infer", SUM + ",\"id\":42}").json();
    assertThat(numeric.get("id").isTextual()).isTrue();
    assertThat(numeric.get("id").asText()).isEqualTo("42");
    Http.Response object = http.post("/v2/models/two/infer", SUM + ",\"id\":{\"a\":1}}");
    assertThat(object.status()).isEqualTo(400);
    assertThat(object.json().get("error").asText()).contains("'id' must be a string");
    assertThat(http.post("/v2/models/two/infer", SUM + "}").json().has("id")).isFalse();
  }

  @Test
  void unknownParametersAreAcceptedAndFieldsMayComeInAnyOrder() throws Exception {
    String reordered =
        "{\"parameters\":{\"priority\":1},\"inputs\":[{\"data\":[1,2],\"datatype\":\"FP32\","
            + "\"shape\":[1,2],\"name\":\"a\",\"parameters\":{\"x\":\"y\"}},"
            + "{\"name\":\"b\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[3,4]},"
            + "{\"name\":\"n\",\"shape\":[1],\"datatype\":\"INT64\",\"data\":[1]}]}";
    Http.Response r = http.post("/v2/models/two/infer", reordered);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().at("/outputs/0/data").toString()).isEqualTo("[4.0,6.0]");
  }

  @Test
  void metricsCountInferencesPerModelAndTheLoadTime() throws Exception {
    assertThat(http.post("/v2/models/two/infer", SUM + "}").status()).isEqualTo(200);
    assertThat(http.post("/v2/models/two/infer", "{\"inputs\":[1]}").status()).isEqualTo(400);
    String metrics = http.get("/metrics").body();
    assertThat(
            counter(metrics, "kiln_model_server_inference_requests_total", "outcome=\"success\""))
        .isGreaterThanOrEqualTo(1);
    assertThat(
            counter(metrics, "kiln_model_server_inference_requests_total", "outcome=\"failure\""))
        .isGreaterThanOrEqualTo(1);
    assertThat(counter(metrics, "kiln_model_server_inference_rows_total", "model=\"two\""))
        .isGreaterThanOrEqualTo(1);
    assertThat(counter(metrics, "kiln_model_server_model_load_seconds", "model=\"two\""))
        .isGreaterThan(0);
    long buckets =
        metrics
            .lines()
            .filter(l -> l.startsWith("kiln_model_server_requests_seconds_bucket"))
            .filter(l -> l.contains("route=\"/v2/models/{name}/infer\",status=\"200\""))
            .count();
    assertThat(buckets).isEqualTo(RequestMetrics.BUCKETS.length + 1);
  }

  private static double counter(String metrics, String name, String label) {
    Matcher m =
        Pattern.compile("(?m)^" + name + "\\{[^}]*" + Pattern.quote(label) + "[^}]*\\} (\\S+)$")
            .matcher(metrics);
    assertThat(m.find()).as(name + " with " + label + " in\n" + metrics).isTrue();
    return Double.parseDouble(m.group(1));
  }

  /** Another server for the two-input model, with one more setting, once it is ready. */
  private static ModelServer started(String setting, String value) {
    ModelServer s =
        ModelServer.start(
            new String[] {
              "--model-dir",
              modelDir.toString(),
              "--port",
              "0",
              "--grpc-port",
              "0",
              "--host",
              "127.0.0.1"
            },
            Map.of("KILN_MODEL_NAME", "two", setting, value));
    await().atMost(Duration.ofSeconds(30)).until(s::isReady);
    return s;
  }

  @Test
  void inferenceOnWorkerThreadsGivesTheSameAnswer() throws Exception {
    try (ModelServer workers = started("KILN_INFERENCE_THREAD", "worker")) {
      Http client = new Http("http://127.0.0.1:" + workers.address().getPort());
      Http.Response r = client.post("/v2/models/two/infer", SUM + "}");
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(r.json().at("/outputs/0/data").toString()).isEqualTo("[1.5,2.25]");
    }
  }

  @Test
  void aBadInferenceThreadSettingIsNamed() {
    assertThatThrownBy(
            () ->
                ModelServer.start(
                    new String[] {
                      "--model-dir", modelDir.toString(), "--port", "0", "--grpc-port", "0"
                    },
                    Map.of("KILN_INFERENCE_THREAD", "fast")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("KILN_INFERENCE_THREAD must be auto, io or worker");
  }

  @Test
  void aBodyOverTheLimitIs413() throws Exception {
    try (ModelServer small = started("KILN_MAX_REQUEST_BYTES", "64")) {
      Http client = new Http("http://127.0.0.1:" + small.address().getPort());
      Http.Response r = client.post("/v2/models/two/infer", SUM + "}");
      assertThat(r.status()).as(r.body()).isEqualTo(413);
      assertThat(r.json().get("error").asText()).contains("larger than 64 bytes");
    }
  }
}
