package dev.kiln.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private Map<String, String> env() throws IOException {
    Files.createDirectories(tmp.resolve("data")); // empty: the bundled Iris set is used
    Map<String, String> env = new HashMap<>();
    env.put("KILN_DATA_DIR", tmp.resolve("data").toString());
    env.put("KILN_CHECKPOINT_DIR", tmp.resolve("ckpt").toString());
    env.put("KILN_MODEL_DIR", tmp.resolve("model").toString());
    env.put("KILN_TERMINATION_LOG", tmp.resolve("termination-log").toString());
    Files.writeString(tmp.resolve("attempt"), "1\n");
    env.put("KILN_ATTEMPT_FILE", tmp.resolve("attempt").toString());
    return env;
  }

  private JsonNode termination() throws IOException {
    return JSON.readTree(tmp.resolve("termination-log").toFile());
  }

  @Test
  void trainsIrisReportsEachEpochAndWritesOnnxWithTerminationMessage() throws Exception {
    Files.createDirectories(tmp.resolve("data")); // empty: the bundled Iris set is used
    Files.writeString(tmp.resolve("token"), "s3cret-token\n");
    Files.writeString(tmp.resolve("hp.json"), "{\"epochs\": \"12\", \"learning_rate\": \"0.5\"}");
    try (ReportRecorder recorder = new ReportRecorder("s3cret-token", 200)) {
      Map<String, String> env = env();
      env.put("KILN_HPARAMS_FILE", tmp.resolve("hp.json").toString());
      env.put("KILN_HP_LEARNING_RATE", "0.05"); // env wins over the file
      env.put("KILN_REPORT_URL", recorder.url());
      env.put("KILN_REPORT_TOKEN_FILE", tmp.resolve("token").toString());

      assertThat(Main.run(new String[0], env, null)).isZero();

      assertThat(recorder.rejected).isEmpty();
      assertThat(recorder.epochs())
          .containsExactlyElementsOf(IntStream.rangeClosed(1, 12).boxed().toList());
      JsonNode last = recorder.reports.get(11);
      assertThat(last.get("totalEpochs").asInt()).isEqualTo(12);
      assertThat(last.get("step").asLong())
          .isEqualTo(12L * 120)
          .isEqualTo(last.get("totalSteps").asLong());
      assertThat(last.at("/metrics/loss").asDouble())
          .isPositive()
          .isLessThan(recorder.reports.get(0).at("/metrics/loss").asDouble());

      JsonNode message = termination();
      double accuracy = message.at("/metrics/accuracy").asDouble();
      assertThat(accuracy).isGreaterThan(0.85);
      assertThat(message.at("/artifact/path").asText()).isEqualTo("model.onnx");
      assertThat(message.at("/artifact/format").asText()).isEqualTo("onnx");
      byte[] onnx = Files.readAllBytes(tmp.resolve("model/model.onnx"));
      assertThat(message.at("/artifact/sha256").asText())
          .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(onnx)));

      JsonNode meta = JSON.readTree(tmp.resolve("model/metadata.json").toFile());
      assertThat(meta.at("/input/name").asText()).isEqualTo("input");
      assertThat(meta.at("/input/shape/1").asInt()).isEqualTo(4);
      assertThat(meta.get("features").toString())
          .contains("sepal_length", "sepal_width", "petal_length", "petal_width");
      assertThat(JSON.convertValue(meta.get("labels"), new TypeReference<List<String>>() {}))
          .containsExactlyInAnyOrder("setosa", "versicolor", "virginica");
      assertThat(meta.at("/hyperparameters/learning_rate").asDouble()).isEqualTo(0.05);
      assertThat(meta.at("/metrics/accuracy").asDouble()).isEqualTo(accuracy);
    }
  }

  /**
   * A pod's fsGroup gives the server and the uploader, which run as other users, read access
   * through the group: the model files must be group-readable, not the 0600 of a temp file.
   */
  @Test
  void modelFilesAreReadableByTheGroupAndOthers() throws Exception {
    assertThat(Main.run(new String[0], env(), null)).isZero();

    for (String file : List.of("model/model.onnx", "model/metadata.json")) {
      assertThat(Files.getPosixFilePermissions(tmp.resolve(file)))
          .as(file)
          .contains(
              PosixFilePermission.OWNER_READ,
              PosixFilePermission.GROUP_READ,
              PosixFilePermission.OTHERS_READ);
    }
  }

  @Test
  void resumesFromTheLatestCheckpointAfterACrash() throws Exception {
    try (ReportRecorder recorder = new ReportRecorder("t", 200)) {
      Files.writeString(tmp.resolve("token"), "t");
      Map<String, String> env = env();
      env.put("KILN_HP_EPOCHS", "10");
      env.put("KILN_REPORT_URL", recorder.url());
      env.put("KILN_REPORT_TOKEN_FILE", tmp.resolve("token").toString());

      Trainer.EpochHook crashAfter4 =
          (epoch, metrics) -> {
            if (epoch == 4) {
              throw new IllegalStateException("simulated node loss");
            }
          };
      assertThat(Main.run(new String[0], env, crashAfter4)).isEqualTo(1);
      assertThat(termination().get("error").asText()).contains("simulated node loss");
      assertThat(Files.exists(tmp.resolve("model/model.onnx"))).isFalse();
      Checkpoint checkpoint = Checkpoint.readLatest(tmp.resolve("ckpt"));
      assertThat(checkpoint.epoch()).isEqualTo(4);
      assertThat(recorder.epochs()).containsExactly(1, 2, 3, 4);

      recorder.reports.clear();
      Files.writeString(tmp.resolve("attempt"), "2\n");
      assertThat(Main.run(new String[0], env, null)).isZero();
      assertThat(recorder.epochs()).containsExactly(5, 6, 7, 8, 9, 10);
      assertThat(recorder.reports.get(0).get("step").asLong()).isEqualTo(5L * 120);
      assertThat(termination().at("/metrics/accuracy").asDouble()).isGreaterThan(0.85);
      assertThat(Checkpoint.readLatest(tmp.resolve("ckpt")).epoch()).isEqualTo(10);
    }
  }

  @Test
  void resumedRunEndsWithTheSameModelAsAnUninterruptedOne() throws Exception {
    Map<String, String> interrupted = env();
    interrupted.put("KILN_HP_EPOCHS", "6");
    interrupted.put("KILN_FAIL_AFTER_EPOCH", "3");
    assertThat(Main.run(new String[0], interrupted, null)).isEqualTo(1);
    assertThat(termination().get("error").asText()).contains("after epoch 3");
    assertThat(Main.run(new String[0], interrupted, null)).isZero();
    JsonNode resumed = termination().get("metrics");

    Map<String, String> straight = env();
    straight.put("KILN_HP_EPOCHS", "6");
    straight.put("KILN_CHECKPOINT_DIR", tmp.resolve("ckpt2").toString());
    assertThat(Main.run(new String[0], straight, null)).isZero();
    JsonNode uninterrupted = termination().get("metrics");
    assertThat(resumed.get("loss").asDouble())
        .isCloseTo(uninterrupted.get("loss").asDouble(), within(1e-12));
    assertThat(resumed.get("accuracy")).isEqualTo(uninterrupted.get("accuracy"));
  }

  @Test
  void carriesOnWhenTheReportEndpointFailsOrIsUnreachable() throws Exception {
    Files.writeString(tmp.resolve("token"), "t");
    try (ReportRecorder failing = new ReportRecorder("t", 500)) {
      Map<String, String> env = env();
      env.put("KILN_HP_EPOCHS", "3");
      env.put("KILN_REPORT_URL", failing.url());
      env.put("KILN_REPORT_TOKEN_FILE", tmp.resolve("token").toString());
      assertThat(Main.run(new String[0], env, null)).isZero();
      assertThat(failing.epochs()).containsExactly(1, 2, 3);
    }
    Map<String, String> env = env();
    env.put("KILN_HP_EPOCHS", "3");
    env.put("KILN_CHECKPOINT_DIR", tmp.resolve("other").toString());
    env.put("KILN_REPORT_URL", "http://127.0.0.1:1/report"); // nothing listens on port 1
    env.put("KILN_REPORT_TOKEN_FILE", tmp.resolve("token").toString());
    assertThat(Main.run(new String[0], env, null)).isZero();
    assertThat(termination().at("/artifact/format").asText()).isEqualTo("onnx");
  }

  @Test
  void sameSeedGivesTheSameSplitAndMetrics() throws Exception {
    Map<String, String> env = env();
    env.put("KILN_HP_EPOCHS", "5");
    env.put("KILN_HP_SEED", "7");
    env.remove("KILN_CHECKPOINT_DIR");
    assertThat(Main.run(new String[0], env, null)).isZero();
    JsonNode first = termination().get("metrics");
    assertThat(Main.run(new String[0], env, null)).isZero();
    assertThat(termination().get("metrics")).isEqualTo(first);
  }

  @Test
  void trainsOnAUserCsvAndOnGeneratedData() throws Exception {
    Path data = tmp.resolve("data");
    assertThat(
            Main.run(
                new String[] {
                  "generate",
                  "--rows",
                  "3000",
                  "--features",
                  "6",
                  "--classes",
                  "4",
                  "--out",
                  data.resolve("synthetic.csv").toString()
                },
                Map.of(),
                null))
        .isZero();
    Map<String, String> env = env();
    env.put("KILN_HP_EPOCHS", "5");
    assertThat(Main.run(new String[0], env, null)).isZero();
    JsonNode meta = JSON.readTree(tmp.resolve("model/metadata.json").toFile());
    assertThat(meta.at("/input/shape/1").asInt()).isEqualTo(6);
    assertThat(meta.get("labels")).hasSize(4);
    assertThat(meta.at("/metrics/testRows").asInt()).isEqualTo(600);
    // Four well separated blobs: far better than the 25% of guessing.
    assertThat(termination().at("/metrics/accuracy").asDouble()).isGreaterThan(0.6);
  }

  private String failWith(String csv) throws IOException {
    Files.createDirectories(tmp.resolve("data"));
    Files.writeString(tmp.resolve("data/train.csv"), csv);
    assertThat(Main.run(new String[0], env(), null)).isEqualTo(1);
    assertThat(Files.exists(tmp.resolve("model/model.onnx"))).isFalse();
    JsonNode message = termination();
    assertThat(message.has("metrics")).isFalse();
    String error = message.get("error").asText();
    assertThat(error).doesNotContain("\n");
    return error;
  }

  @Test
  void badInputFailsWithAOneLineReason() throws Exception {
    assertThat(failWith("")).contains("train.csv is empty");
    assertThat(failWith("a,b,label\n")).contains("no data rows");
    assertThat(failWith("a,b,label\n1,2,x\n3,4\n")).contains("line 3").contains("2 fields");
    assertThat(failWith("a,b,label\n1,2,x\n3,abc,y\n"))
        .contains("line 3")
        .contains("column b")
        .contains("'abc' is not a finite number");
    assertThat(failWith("a,b,label\n1,2,x\n3,4,x\n")).contains("single class");
  }

  @Test
  void missingDataOrBadSettingsFailWithAReason() throws Exception {
    Map<String, String> env = env();
    env.put("KILN_DATA_DIR", tmp.resolve("nope").toString());
    assertThat(Main.run(new String[0], env, null)).isEqualTo(1);
    assertThat(termination().get("error").asText()).contains("nope").contains("does not exist");

    env = env();
    env.put("KILN_HP_EPOCHS", "many");
    assertThat(Main.run(new String[0], env, null)).isEqualTo(1);
    assertThat(termination().get("error").asText())
        .isEqualTo("hyperparameter epochs must be an integer, got 'many'");

    env = env();
    env.put("KILN_HP_LABEL_COLUMN", "colour");
    assertThat(Main.run(new String[0], env, null)).isEqualTo(1);
    assertThat(termination().get("error").asText()).contains("label column 'colour' not in header");

    env = env();
    Files.writeString(tmp.resolve("hp.json"), "[1,2]");
    env.put("KILN_HPARAMS_FILE", tmp.resolve("hp.json").toString());
    assertThat(Main.run(new String[0], env, null)).isEqualTo(1);
    assertThat(termination().get("error").asText()).contains("must hold a JSON object");
  }
}
