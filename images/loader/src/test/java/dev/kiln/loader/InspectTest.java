package dev.kiln.loader;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code inspect}: what Kiln records about a trained model directory, as the operator reads it from
 * the termination log.
 */
class InspectTest {
  @org.junit.jupiter.api.io.TempDir Path tmp;
  private Path model;
  private Path log;

  @BeforeEach
  void dirs() throws IOException {
    model = Files.createDirectories(tmp.resolve("model"));
    log = tmp.resolve("termination-log");
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
    "model.onnx, onnx",
    "model.pkl, pkl",
    "model.pickle, pkl",
    "model.joblib, joblib",
    "model.pt, pytorch",
    "weights.pth, pytorch",
    "model.safetensors, safetensors",
    "model.json, json",
    "MODEL.ONNX, onnx"
  })
  void eachKnownFormatIsRecordedWithItsDigestAndSize(String file, String format) throws Exception {
    byte[] bytes = ("weights of " + file).getBytes(StandardCharsets.UTF_8);
    Files.write(model.resolve(file), bytes);

    Run r = inspect();

    assertThat(r.code()).as(r.stderr()).isZero();
    Result result = r.result();
    assertThat(result.artifact())
        .containsEntry("path", file)
        .containsEntry("sha256", sha256(bytes))
        .containsEntry("sizeBytes", String.valueOf(bytes.length))
        .containsEntry("format", format);
    assertThat(result.metrics()).isEmpty();
    assertThat(result.warnings()).isEmpty();
    assertThat(r.stdout()).contains("inspected " + file);
  }

  @Test
  void aLargeModelIsStreamedAndDigestedWhole() throws Exception {
    byte[] chunk = new byte[1 << 20];
    new java.util.Random(3).nextBytes(chunk);
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (var out = Files.newOutputStream(model.resolve("model.safetensors"))) {
      for (int i = 0; i < 40; i++) {
        out.write(chunk);
        md.update(chunk);
      }
    }
    Run r = inspect();
    assertThat(r.code()).as(r.stderr()).isZero();
    assertThat(r.result().artifact())
        .containsEntry("sha256", HexFormat.of().formatHex(md.digest()))
        .containsEntry("sizeBytes", String.valueOf(40L << 20));
  }

  @Test
  void aModelDirMountedThroughALinkIsWalked() throws Exception {
    Path real = Files.createDirectories(tmp.resolve("volume/model"));
    Files.writeString(real.resolve("model.pkl"), "pickled");
    Files.writeString(real.resolve("metrics.json"), "{\"accuracy\": 0.9}");
    Files.delete(model);
    Files.createSymbolicLink(model, real);

    Run r = inspect();

    assertThat(r.code()).as(r.stderr()).isZero();
    assertThat(r.result().artifact()).containsEntry("path", "model.pkl");
    assertThat(r.result().metrics()).containsEntry("accuracy", 0.9);
  }

  @Test
  void anEmptyModelDirIsNotFoundAndNamesTheKnownExtensions() throws Exception {
    Files.writeString(model.resolve("metrics.json"), "{\"accuracy\": 0.9}");
    Files.writeString(model.resolve("notes.txt"), "no model here");

    Run r = inspect();

    assertThat(r.code()).isEqualTo(LoaderException.NOT_FOUND);
    assertThat(r.stderr())
        .contains(
            "found no model file (ending in .onnx, .safetensors, .pt, .pth, .joblib, .pkl,"
                + " .pickle, .json) in "
                + model
                + "; the metrics file metrics.json does not count");
    assertThat(r.error()).startsWith("found no model file").doesNotContain("kiln-loader");
  }

  @Test
  void severalCandidatesPickTheMostPreferredFormatAndSaySo() throws Exception {
    Files.writeString(model.resolve("model.pkl"), "p");
    Files.writeString(model.resolve("config.json"), "{}");
    Files.createDirectories(model.resolve("onnx"));
    Files.writeString(model.resolve("onnx/model.onnx"), "o");
    Files.writeString(model.resolve("model.pt"), "t");

    Run r = inspect();

    assertThat(r.code()).as(r.stderr()).isZero();
    assertThat(r.result().artifact())
        .containsEntry("path", "onnx/model.onnx")
        .containsEntry("format", "onnx");
    assertThat(r.result().warnings())
        .singleElement()
        .asString()
        .contains("4 model files")
        .contains("chose onnx/model.onnx");
  }

  @Test
  void withinAFormatTheShallowestThenTheFirstByNameWins() throws Exception {
    Files.createDirectories(model.resolve("a/b"));
    Files.writeString(model.resolve("a/b/model.joblib"), "deep");
    Files.writeString(model.resolve("z.pkl"), "shallow");
    Files.writeString(model.resolve("y.joblib"), "shallow too");
    assertThat(inspect().result().artifact()).containsEntry("path", "y.joblib");
  }

  @Test
  void hiddenFilesAndFoldersAndTheMetricsFileAreNeverTheModel() throws Exception {
    Files.createDirectories(model.resolve(".kiln-download-1"));
    Files.writeString(model.resolve(".kiln-download-1/model.onnx"), "half");
    Files.writeString(model.resolve(".model.onnx"), "hidden");
    Files.writeString(model.resolve("metrics.json"), "{\"loss\": 0.1}");
    Files.writeString(model.resolve("model.json"), "{\"w\": [1, 2]}");

    Run r = inspect();

    assertThat(r.result().artifact()).containsEntry("path", "model.json");
    assertThat(r.result().metrics()).containsEntry("loss", 0.1);
    assertThat(r.result().warnings()).isEmpty();
  }

  @Test
  void theMetricsFileGivesTheMetricsInItsOrder() throws Exception {
    Files.writeString(model.resolve("model.pkl"), "m");
    Files.writeString(
        model.resolve("metrics.json"), "{\"accuracy\": 0.97, \"f1\": 1, \"loss\": 8e-2}");

    Result result = inspect().result();

    assertThat(result.metrics())
        .containsExactly(
            Map.entry("accuracy", 0.97), Map.entry("f1", 1.0), Map.entry("loss", 0.08));
    assertThat(result.warnings()).isEmpty();
  }

  @Test
  void valuesThatAreNotNumbersAreSkippedWithAWarningNotAFailure() throws Exception {
    Files.writeString(model.resolve("model.pkl"), "m");
    Files.writeString(
        model.resolve("metrics.json"),
        "{\"accuracy\": 0.9, \"per_class\": {\"a\": 1}, \"model\": \"svm\", \"curve\": [1, 2],"
            + " \"loss\": NaN, \"ok\": true, \"bad name\": 1}");

    Run r = inspect();

    assertThat(r.code()).as(r.stderr()).isZero();
    assertThat(r.result().metrics()).containsExactly(Map.entry("accuracy", 0.9));
    assertThat(r.result().warnings())
        .containsExactly(
            "metrics.json: per_class is an object, not a number (skipped)",
            "metrics.json: model is a string, not a number (skipped)",
            "metrics.json: curve is a list, not a number (skipped)",
            "metrics.json: loss is NaN, not a finite number (skipped)",
            "metrics.json: ok is a boolean, not a number (skipped)",
            "metrics.json: \"bad name\" is not a metric name (a letter, then up to 62 letters,"
                + " digits, '_', '.' or '-') (skipped)");
  }

  @Test
  void aMetricsFileThatIsNotAnObjectOrNotJsonIsAWarning() throws Exception {
    Files.writeString(model.resolve("model.pkl"), "m");
    Files.writeString(model.resolve("metrics.json"), "[0.9]");
    assertThat(inspect().result().warnings())
        .containsExactly("metrics.json is not a JSON object of numbers; its metrics were ignored");

    Files.writeString(model.resolve("metrics.json"), "{\"accuracy\": 0.9,");
    Run r = inspect();
    assertThat(r.code()).isZero();
    assertThat(r.result().metrics()).isEmpty();
    assertThat(r.result().warnings())
        .singleElement()
        .asString()
        .startsWith("metrics.json is not valid JSON");
  }

  @Test
  void anotherMetricsFileCanBeNamedAndDoesNotCountAsTheModel() throws Exception {
    Files.createDirectories(model.resolve("eval"));
    Files.writeString(model.resolve("eval/scores.json"), "{\"auc\": 0.8}");
    Files.writeString(model.resolve("metrics.json"), "{\"not\": \"read\"}");

    Run r = inspect("--metrics-file", "eval/scores.json");

    assertThat(r.result().artifact()).containsEntry("path", "metrics.json");
    assertThat(r.result().metrics()).containsExactly(Map.entry("auc", 0.8));
  }

  @Test
  void theReportedPathAndDigestAreCheckedAndUsed() throws Exception {
    Files.writeString(model.resolve("model.onnx"), "preferred, but not what the trainer named");
    Files.createDirectories(model.resolve("final"));
    byte[] bytes = "the reported model".getBytes(StandardCharsets.UTF_8);
    Files.write(model.resolve("final/model.bin"), bytes);

    Run r =
        inspect(
            "--expect-path",
            "final/model.bin",
            "--expect-sha256",
            sha256(bytes).toUpperCase(java.util.Locale.ROOT));

    assertThat(r.code()).as(r.stderr()).isZero();
    assertThat(r.result().artifact())
        .containsEntry("path", "final/model.bin")
        .containsEntry("sha256", sha256(bytes))
        .doesNotContainKey("format");
  }

  @Test
  void aReportedFolderHoldsTheModelToPick() throws Exception {
    Files.createDirectories(model.resolve("export"));
    Files.writeString(model.resolve("export/model.safetensors"), "s");
    Files.writeString(model.resolve("export/config.json"), "{}");
    assertThat(inspect("--expect-path", "export").result().artifact())
        .containsEntry("path", "export/model.safetensors")
        .containsEntry("format", "safetensors");
  }

  @Test
  void aDigestThatDoesNotMatchFailsTheIntegrityCheckNamingBothAndTheFile() throws Exception {
    byte[] bytes = "tampered".getBytes(StandardCharsets.UTF_8);
    Files.write(model.resolve("model.onnx"), bytes);
    String reported = "ab".repeat(32);

    Run r = inspect("--expect-path", "model.onnx", "--expect-sha256", reported);

    assertThat(r.code()).isEqualTo(LoaderException.INTEGRITY);
    String line =
        "sha256 of model.onnx is " + sha256(bytes) + ", but the trainer reported " + reported;
    assertThat(r.stderr()).contains(line);
    assertThat(r.error()).isEqualTo(line);

    Run notHex = inspect("--expect-sha256", "cafe");
    assertThat(notHex.code()).isEqualTo(LoaderException.INTEGRITY);
    assertThat(notHex.error()).endsWith("reported cafe (not a SHA-256 hex digest)");
  }

  @Test
  void aReportedPathThatIsMissingOrLeavesTheDirectoryIsRefused() throws Exception {
    Files.writeString(model.resolve("model.onnx"), "m");
    Run missing = inspect("--expect-path", "model.pt");
    assertThat(missing.code()).isEqualTo(LoaderException.NOT_FOUND);
    assertThat(missing.error())
        .isEqualTo(
            "the trainer reported artifact.path model.pt, but " + model + " has no such file");

    for (String bad : List.of("../model.onnx", "/etc/passwd", "a/../../x")) {
      Run escape = inspect("--expect-path", bad);
      assertThat(escape.code()).as(bad).isEqualTo(LoaderException.USAGE);
      assertThat(escape.stderr())
          .contains("--expect-path must name a path inside the model directory");
    }
    assertThat(inspect("--metrics-file", "../m.json").code()).isEqualTo(LoaderException.USAGE);
  }

  @Test
  void theResultAlwaysFitsATerminationMessage() throws Exception {
    Files.writeString(model.resolve("model.onnx"), "m");
    StringBuilder metrics = new StringBuilder("{");
    for (int i = 0; i < 80; i++) {
      metrics
          .append(i == 0 ? "" : ",")
          .append("\"metric_with_a_rather_long_name_to_fill_the_budget_")
          .append(i);
      metrics.append("\": 0.12345678901234567");
    }
    Files.writeString(model.resolve("metrics.json"), metrics.append("}").toString());

    Run r = inspect();

    assertThat(Files.size(log)).isLessThanOrEqualTo(4096);
    Result result = r.result();
    assertThat(result.metrics()).hasSizeBetween(20, 63);
    assertThat(result.warnings())
        .anyMatch(w -> w.contains("only the first 64 metrics are kept; 16 skipped"))
        .anyMatch(w -> w.contains("left out to fit Kubernetes' 4 KiB termination message"));
  }

  @Test
  void usageErrorsNameWhatIsWrong() throws Exception {
    assertThat(run("inspect").stderr()).contains("inspect expects 1 argument(s), got 0");
    assertThat(run("inspect", model.toString(), "--sha256", "x").stderr())
        .contains("inspect has no option --sha256");
    assertThat(run("download", "a", "b", "--expect-path", "x").stderr())
        .contains("download has no option --expect-path");
    Run none = run("inspect", tmp.resolve("nothing").toString());
    assertThat(none.code()).isEqualTo(LoaderException.NOT_FOUND);
    assertThat(none.stderr()).contains("no model directory at");
  }

  // ---- running it ------------------------------------------------------------------------------

  private record Run(int code, String stdout, String stderr, String log) {
    Result result() throws IOException {
      return Result.parse(log);
    }

    /** The {"error": ...} line a failed inspection leaves for the operator. */
    String error() throws IOException {
      try (JsonParser p = new JsonFactory().createParser(log)) {
        assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
        assertThat(p.nextFieldName()).isEqualTo("error");
        return p.nextTextValue();
      }
    }
  }

  /** The termination message, flattened for assertions. */
  private record Result(
      Map<String, String> artifact, Map<String, Double> metrics, List<String> warnings) {
    static Result parse(String json) throws IOException {
      Map<String, String> artifact = new LinkedHashMap<>();
      Map<String, Double> metrics = new LinkedHashMap<>();
      List<String> warnings = new ArrayList<>();
      try (JsonParser p = new JsonFactory().createParser(json)) {
        assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String section = p.currentName();
          p.nextToken();
          while (p.nextToken() != null && !p.currentToken().isStructEnd()) {
            switch (section) {
              case "artifact" -> {
                String name = p.currentName();
                p.nextToken();
                artifact.put(name, p.getText());
              }
              case "metrics" -> {
                String name = p.currentName();
                p.nextToken();
                metrics.put(name, p.getDoubleValue());
              }
              default -> warnings.add(p.getText());
            }
          }
        }
      }
      return new Result(artifact, metrics, warnings);
    }
  }

  private Run inspect(String... options) {
    List<String> args = new ArrayList<>(List.of("inspect", model.toString()));
    args.addAll(List.of(options));
    return run(args.toArray(String[]::new));
  }

  private Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    try {
      Files.deleteIfExists(log);
      System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
      int code = Loader.run(args, Map.of("KILN_TERMINATION_LOG", log.toString()));
      String written = Files.exists(log) ? Files.readString(log) : "";
      return new Run(
          code,
          stdout.toString(StandardCharsets.UTF_8),
          stderr.toString(StandardCharsets.UTF_8),
          written);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
