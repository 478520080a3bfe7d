package dev.kiln.modelserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.kiln.trainer.Dataset;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pod contract end to end with plain processes: the trainer process trains on a CSV in
 * KILN_DATA_DIR with hyperparameters from file and env, reports each epoch to a report endpoint
 * that checks the bearer token, writes the ONNX model and the termination message; the model server
 * process serves that directory, and the held-out rows sent to it score the accuracy the trainer
 * reported.
 */
class EndToEndIT {
  private static final String TOKEN = "per-job-token-0123456789";

  @TempDir Path work;

  @Test
  void trainedModelIsServedWithTheAccuracyTheTrainerReported() throws Exception {
    Path data = Files.createDirectories(work.resolve("data"));
    try (InputStream iris =
        Dataset.class.getClassLoader().getResourceAsStream(Dataset.BUNDLED_IRIS)) {
      Files.copy(iris, data.resolve("iris.csv"));
    }
    Files.writeString(work.resolve("token"), TOKEN);
    Files.writeString(
        work.resolve("hparams.json"), "{\"epochs\":\"25\",\"learning_rate\":\"0.05\"}");

    List<JsonNode> reports = new CopyOnWriteArrayList<>();
    List<String> badTokens = new CopyOnWriteArrayList<>();
    HttpServer reportEndpoint =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    reportEndpoint.createContext(
        "/api/v1/report/ns/job",
        ex -> {
          byte[] body = ex.getRequestBody().readAllBytes();
          if (("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            reports.add(Http.JSON.readTree(body));
            ex.sendResponseHeaders(202, -1);
          } else {
            badTokens.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            ex.sendResponseHeaders(401, -1);
          }
          ex.close();
        });
    reportEndpoint.start();
    Process server = null;
    try {
      Process trainer =
          java(
              Path.of("..", "trainer", "target", "kiln-trainer.jar"),
              Map.ofEntries(
                  Map.entry("KILN_JOB_NAME", "job"),
                  Map.entry("KILN_NAMESPACE", "ns"),
                  Map.entry("KILN_DATA_DIR", data.toString()),
                  Map.entry("KILN_CHECKPOINT_DIR", work.resolve("checkpoints").toString()),
                  Map.entry("KILN_MODEL_DIR", work.resolve("model").toString()),
                  Map.entry("KILN_HPARAMS_FILE", work.resolve("hparams.json").toString()),
                  Map.entry("KILN_HP_SEED", String.valueOf(IrisModel.SEED)),
                  Map.entry(
                      "KILN_REPORT_URL",
                      "http://127.0.0.1:"
                          + reportEndpoint.getAddress().getPort()
                          + "/api/v1/report/ns/job"),
                  Map.entry("KILN_REPORT_TOKEN_FILE", work.resolve("token").toString()),
                  Map.entry("KILN_TERMINATION_LOG", work.resolve("termination-log").toString())),
              work.resolve("trainer.log"));
      assertThat(trainer.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(trainer.exitValue()).as(Files.readString(work.resolve("trainer.log"))).isZero();

      assertThat(badTokens).isEmpty();
      assertThat(reports.stream().map(r -> r.get("epoch").asInt()).toList())
          .isEqualTo(IntStream.rangeClosed(1, 25).boxed().toList());
      assertThat(reports.get(24).get("totalEpochs").asInt()).isEqualTo(25);
      assertThat(reports.get(24).get("step").asLong())
          .isEqualTo(reports.get(24).get("totalSteps").asLong());

      JsonNode termination = Http.JSON.readTree(work.resolve("termination-log").toFile());
      double reportedAccuracy = termination.at("/metrics/accuracy").asDouble();
      assertThat(reportedAccuracy).isGreaterThan(0.85);
      assertThat(termination.at("/artifact/format").asText()).isEqualTo("onnx");
      Path artifact = work.resolve("model").resolve(termination.at("/artifact/path").asText());
      assertThat(termination.at("/artifact/sha256").asText())
          .isEqualTo(
              HexFormat.of()
                  .formatHex(
                      MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(artifact))));

      int port;
      try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = probe.getLocalPort();
      }
      server =
          java(
              Path.of("target", "kiln-model-server.jar"),
              Map.of(
                  "KILN_MODEL_DIR",
                  work.resolve("model").toString(),
                  "KILN_MODEL_NAME",
                  "iris",
                  "KILN_PORT",
                  String.valueOf(port),
                  "KILN_GRPC_PORT",
                  "0",
                  "KILN_HOST",
                  "127.0.0.1"),
              work.resolve("server.log"));
      Http http = new Http("http://127.0.0.1:" + port);
      Process started = server;
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .failFast("model server exited: " + work.resolve("server.log"), () -> !started.isAlive())
          .until(() -> http.get("/v2/health/ready").status() == 200);

      IrisModel model = IrisModel.at(work.resolve("model"));
      IrisModel.Rows heldOut = model.heldOut();
      assertThat(heldOut.labels()).hasSize(termination.at("/metrics/testRows").asInt());
      Http.Response response = http.post("/v2/models/iris/infer", heldOut.inferRequest());
      assertThat(response.status()).as(response.body()).isEqualTo(200);
      assertThat(model.accuracy(response.json(), heldOut.labels())).isEqualTo(reportedAccuracy);

      server.destroy(); // SIGTERM, as the kubelet sends
      assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(Files.readString(work.resolve("server.log"))).contains("shutting down", "stopped");
    } catch (AssertionError | RuntimeException e) {
      for (String log : List.of("trainer.log", "server.log")) {
        if (Files.exists(work.resolve(log))) {
          System.err.println("--- " + log + "\n" + Files.readString(work.resolve(log)));
        }
      }
      throw e;
    } finally {
      reportEndpoint.stop(0);
      if (server != null) {
        server.destroyForcibly();
      }
    }
  }

  /**
   * Runs a packaged image jar as the image does ({@code java -jar}, dependencies in lib/ beside
   * it). Integration tests run after {@code package}, so both modules' jars exist.
   */
  private static Process java(Path jar, Map<String, String> env, Path log) throws IOException {
    assertThat(jar).as("packaged jar (run `package` first)").isRegularFile();
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            jar.toAbsolutePath().toString());
    pb.environment().keySet().removeIf(k -> k.startsWith("KILN_") || k.equals("PORT"));
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    return pb.start();
  }
}
