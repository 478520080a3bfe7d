package dev.kiln.operator.trainingjob;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.operator.trainingjob.TerminationMessage.Parsed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The trainer's final report, read from its termination message. */
class TerminationMessageTest {

  private static TerminationMessage valid(String json) {
    Parsed parsed = TerminationMessage.parse(json);
    assertThat(parsed.problem()).as("problem").isNull();
    assertThat(parsed.message()).as("message").isNotNull();
    return parsed.message();
  }

  private static String problem(String json) {
    Parsed parsed = TerminationMessage.parse(json);
    assertThat(parsed.message()).as("message").isNull();
    assertThat(parsed.problem()).as("problem").isNotNull();
    return parsed.problem();
  }

  @Test
  void aValidMessageGivesMetricsAsPlainDecimalsAndTheArtifact() {
    TerminationMessage m =
        valid(
            """
            {"metrics": {"accuracy": 0.97, "lr": 1e-5, "epochs": 10, "loss": 0.123456789012345},
             "artifact": {"path": "mnist.onnx", "sha256": "ab12cd", "format": "onnx",
                          "sizeBytes": 123456}}
            """);

    assertThat(m.metrics())
        .containsEntry("accuracy", "0.97")
        .containsEntry("lr", "0.00001")
        .containsEntry("epochs", "10")
        .containsEntry("loss", "0.123456789")
        .hasSize(4);
    assertThat(m.artifactPath()).isEqualTo("mnist.onnx");
    assertThat(m.sha256()).isEqualTo("ab12cd");
    assertThat(m.format()).isEqualTo("onnx");
    assertThat(m.size()).isEqualTo(123456L);
  }

  @Test
  void theMetricsKeepTheOrderTheTrainerWroteThem() {
    assertThat(valid("{\"metrics\": {\"z\": 1, \"a\": 2, \"m\": 3}}").metrics().keySet())
        .containsExactly("z", "a", "m");
  }

  @Test
  void aMessageWithOnlyMetricsHasNoArtifact() {
    TerminationMessage m = valid("{\"metrics\": {\"accuracy\": 0.5}}");

    assertThat(m.artifactPath()).isNull();
    assertThat(m.sha256()).isNull();
    assertThat(m.size()).isNull();
  }

  @Test
  void aNestedArtifactPathInsideTheModelDirIsAccepted() {
    assertThat(valid("{\"artifact\": {\"path\": \"exports/v2/model.onnx\"}}").artifactPath())
        .isEqualTo("exports/v2/model.onnx");
  }

  @Test
  void anEmptyMessageIsNeitherAReportNorAProblem() {
    assertThat(TerminationMessage.parse("")).isEqualTo(new Parsed(null, null));
    assertThat(TerminationMessage.parse(null)).isEqualTo(new Parsed(null, null));
  }

  @Test
  void malformedJsonIsAProblemQuotingItsFirstLine() {
    assertThat(problem("{\"metrics\": {\"accuracy\": 0.9\nsecond line"))
        .contains("not JSON")
        .contains("{\"metrics\": {\"accuracy\": 0.9")
        .doesNotContain("second line");
  }

  @Test
  void plainLogTextIsAProblem() {
    assertThat(problem("Epoch 3/10 done")).contains("not JSON");
  }

  @ParameterizedTest
  @ValueSource(strings = {"[1, 2]", "42", "\"done\""})
  void jsonThatIsNotAnObjectIsAProblem(String json) {
    assertThat(problem(json)).contains("not a JSON object");
  }

  @Test
  void metricsThatAreNotAnObjectAreAProblem() {
    assertThat(problem("{\"metrics\": [0.9]}")).contains("metrics");
  }

  @Test
  void aNonNumericMetricIsAProblemNamingTheMetric() {
    assertThat(problem("{\"metrics\": {\"accuracy\": \"0.9\"}}"))
        .contains("metric accuracy")
        .contains("not a number");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/etc/passwd", "../secrets/model.onnx", "model/../../x.onnx"})
  void anArtifactPathOutsideTheModelDirIsAProblem(String path) {
    assertThat(problem("{\"artifact\": {\"path\": \"" + path + "\"}}")).contains("artifact.path");
  }

  @Test
  void anOversizeMessageIsAProblemNamingTheLimit() {
    String big = "{\"metrics\": {\"a\": 1}, \"pad\": \"" + "x".repeat(4100) + "\"}";

    assertThat(problem(big)).contains("larger than").contains("4096");
  }

  @Test
  void aMessageOfExactlyTheLimitIsRead() {
    String prefix = "{\"metrics\": {\"a\": 1}, \"pad\": \"";
    String json = prefix + "x".repeat(4096 - prefix.length() - 2) + "\"}";
    assertThat(json).hasSize(4096);

    assertThat(valid(json).metrics()).containsEntry("a", "1");
  }

  @Test
  void errorLineReadsTheErrorFieldOfAJsonMessage() {
    assertThat(TerminationMessage.errorLine("{\"error\": \"CUDA out of memory\"}"))
        .hasValue("CUDA out of memory");
  }

  @Test
  void errorLineOfPlainLogTextIsTheTrimmedText() {
    String logs = "\nTraceback (most recent call last):\nValueError: lr must be positive\n\n";

    assertThat(TerminationMessage.errorLine(logs))
        .hasValue("Traceback (most recent call last):\nValueError: lr must be positive");
  }

  @Test
  void errorLineOfNothingIsEmpty() {
    assertThat(TerminationMessage.errorLine(null)).isEmpty();
    assertThat(TerminationMessage.errorLine("   ")).isEmpty();
  }
}
