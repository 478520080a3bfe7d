package dev.kiln.modelserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The binary tensor data extension, with requests built byte for byte the way tritonclient's HTTP
 * client builds them: {@code json.dumps} of the request (", " and ": " separators), then each
 * binary input's raw little-endian bytes, and the JSON's length in {@code
 * Inference-Header-Content-Length}. Without requested outputs it asks for all of them in binary.
 */
class BinaryExtensionTest {
  @TempDir static Path work;
  static ModelServer iris;
  static ModelServer twoInputs;
  static Http irisHttp;
  static Http twoHttp;

  @BeforeAll
  static void start() throws Exception {
    iris = ModelServerTest.startServer(IrisModel.train(work.resolve("iris"), 20).dir, "iris");
    twoInputs = ModelServerTest.startServer(TwoInputModel.write(work.resolve("two")), "two");
    irisHttp = new Http("http://127.0.0.1:" + iris.address().getPort());
    twoHttp = new Http("http://127.0.0.1:" + twoInputs.address().getPort());
    await().atMost(Duration.ofSeconds(30)).until(() -> iris.isReady() && twoInputs.isReady());
  }

  @AfterAll
  static void stop() {
    for (ModelServer s : new ModelServer[] {iris, twoInputs}) {
      if (s != null) {
        s.close();
      }
    }
  }

  /** tritonclient's body: the JSON, then the binary data; and the JSON's length. */
  static byte[] tritonBody(String json, byte[]... binary) {
    byte[] head = json.getBytes(StandardCharsets.UTF_8);
    int size = head.length + Arrays.stream(binary).mapToInt(b -> b.length).sum();
    ByteBuffer body = ByteBuffer.allocate(size).put(head);
    for (byte[] b : binary) {
      body.put(b);
    }
    return body.array();
  }

  static byte[] floats(float... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  static byte[] longs(long... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    return b.array();
  }

  private static Http.Raw send(Http http, String model, String json, byte[]... binary)
      throws Exception {
    return http.post(
        "/v2/models/" + model + "/infer",
        tritonBody(json, binary),
        "Inference-Header-Content-Length",
        String.valueOf(json.getBytes(StandardCharsets.UTF_8).length));
  }

  /** The JSON header of a binary answer, and the bytes after it. */
  private static JsonNode header(Http.Raw r) throws Exception {
    int length =
        Integer.parseInt(r.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
    return Http.JSON.readTree(Arrays.copyOf(r.body(), length));
  }

  private static float[] floatsAfter(Http.Raw r, int offset, int count) throws Exception {
    int length =
        Integer.parseInt(r.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
    ByteBuffer b =
        ByteBuffer.wrap(r.body(), length + offset, count * 4).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[count];
    for (int i = 0; i < count; i++) {
      out[i] = b.getFloat();
    }
    return out;
  }

  @Test
  void aTritonClientRequestGetsBinaryOutputsThatMatchTheJsonAnswer() throws Exception {
    float[] row = {1.4f, 0.2f, 5.1f, 3.5f};
    String json =
        "{\"id\": \"triton-1\", \"inputs\": [{\"name\": \"input\", \"shape\": [1, 4], \"datatype\": \"FP32\","
            + " \"parameters\": {\"binary_data_size\": 16}}], \"parameters\": {\"binary_data_output\": true}}";
    Http.Raw r = send(irisHttp, "iris", json, floats(row));
    assertThat(r.status()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
    JsonNode head = header(r);
    assertThat(head.get("id").asText()).isEqualTo("triton-1");
    assertThat(head.at("/outputs/0/parameters/binary_data_size").asInt()).isEqualTo(12);
    assertThat(head.at("/outputs/0/data").isMissingNode()).isTrue();
    assertThat(r.body().length - head.toString().length()).isGreaterThanOrEqualTo(12);

    JsonNode plain =
        irisHttp
            .post(
                "/v2/models/iris/infer",
                "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\","
                    + "\"data\":[1.4,0.2,5.1,3.5]}]}")
            .json();
    float[] binary = floatsAfter(r, 0, 3);
    for (int k = 0; k < 3; k++) {
      assertThat(binary[k]).isEqualTo(plain.at("/outputs/0/data/" + k).floatValue());
    }
  }

  @Test
  void mixedJsonAndBinaryInputsAndAPerOutputChoice() throws Exception {
    String json =
        "{\"inputs\": [{\"name\": \"a\", \"shape\": [2, 2], \"datatype\": \"FP32\","
            + " \"parameters\": {\"binary_data_size\": 16}},"
            + " {\"name\": \"b\", \"shape\": [2, 2], \"datatype\": \"FP32\", \"data\": [10, 20, 30, 40]},"
            + " {\"name\": \"n\", \"shape\": [2], \"datatype\": \"INT64\","
            + " \"parameters\": {\"binary_data_size\": 16}}],"
            + " \"outputs\": [{\"name\": \"sum\", \"parameters\": {\"binary_data\": true}},"
            + " {\"name\": \"count\", \"parameters\": {\"binary_data\": false}}]}";
    Http.Raw r = send(twoHttp, "two", json, floats(1, 2, 3, 4), longs(7, 41));
    assertThat(r.status()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    JsonNode head = header(r);
    assertThat(head.at("/outputs/0/name").asText()).isEqualTo("sum");
    assertThat(head.at("/outputs/0/parameters/binary_data_size").asInt()).isEqualTo(16);
    assertThat(floatsAfter(r, 0, 4)).containsExactly(11f, 22f, 33f, 44f);
    assertThat(head.at("/outputs/1/name").asText()).isEqualTo("count");
    assertThat(head.at("/outputs/1/data").toString()).isEqualTo("[8,42]");
  }

  @Test
  void aJsonOnlyRequestWithTheHeaderIsAnsweredInJson() throws Exception {
    String json =
        "{\"inputs\": [{\"name\": \"input\", \"shape\": [1, 4], \"datatype\": \"FP32\","
            + " \"data\": [1.4, 0.2, 5.1, 3.5]}], \"outputs\": [{\"name\": \"output\"}]}";
    Http.Raw r = send(irisHttp, "iris", json);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers().firstValue("Inference-Header-Content-Length")).isEmpty();
    assertThat(Http.JSON.readTree(r.body()).at("/outputs/0/data")).hasSize(3);
  }

  @Test
  void binaryRequestsThatDoNotAddUpAreBadRequests() throws Exception {
    String one =
        "{\"inputs\": [{\"name\": \"input\", \"shape\": [1, 4], \"datatype\": \"FP32\","
            + " \"parameters\": {\"binary_data_size\": %d}}]}";
    assertBad(send(irisHttp, "iris", one.formatted(16), floats(1, 2, 3)), "only 12 bytes");
    assertBad(
        send(irisHttp, "iris", one.formatted(12), floats(1, 2, 3)),
        "needs 16 bytes of FP32 data, got 12");
    assertBad(
        send(irisHttp, "iris", one.formatted(16), floats(1, 2, 3, 4, 5)),
        "4 bytes of binary data after the JSON are not claimed");
    assertBad(
        send(irisHttp, "iris", one.formatted(-1), floats(1, 2, 3, 4)),
        "'binary_data_size' must be a non-negative integer");
    byte[] body = tritonBody(one.formatted(16), floats(1, 2, 3, 4));
    assertBad(
        irisHttp.post(
            "/v2/models/iris/infer",
            body,
            "Inference-Header-Content-Length",
            String.valueOf(body.length + 1)),
        "Inference-Header-Content-Length must be a byte count");
    assertBad(
        irisHttp.post("/v2/models/iris/infer", body, "Inference-Header-Content-Length", "x"),
        "Inference-Header-Content-Length must be a byte count");
    assertBad(
        send(
            irisHttp,
            "iris",
            "{\"inputs\": [{\"name\": \"input\", \"shape\": [1, 4], \"datatype\": \"FP32\","
                + " \"data\": [1, 2, 3, 4]}], \"parameters\": {\"binary_data_output\": \"yes\"}}"),
        "'binary_data_output' must be true or false");
  }

  private static void assertBad(Http.Raw r, String reason) throws Exception {
    assertThat(r.status()).isEqualTo(400);
    assertThat(Http.JSON.readTree(r.body()).get("error").asText()).contains(reason);
  }
}
