package dev.kiln.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.testkit.crd.CrdValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every TrainingJob and ModelServer in the YAML files of examples/ and its folders is accepted by
 * the committed CRDs (schema, unknown fields, CEL rules), so the examples keep working when the API
 * changes. Core kinds in the same files (Secrets) are not Kiln's to check and are skipped.
 */
class ExamplesValidationTest {
  private static final CrdValidator VALIDATOR = CrdValidator.kiln();
  private static final Path EXAMPLES = CrdValidator.repositoryRoot().resolve("examples");

  static Stream<Arguments> kilnDocuments() throws IOException {
    List<Arguments> documents = new ArrayList<>();
    for (Path file : everyYamlFile()) {
      List<JsonNode> docs = CrdValidator.readAll(Files.readString(file));
      for (int i = 0; i < docs.size(); i++) {
        JsonNode doc = docs.get(i);
        String apiVersion = doc.path("apiVersion").asText();
        String kind = doc.path("kind").asText();
        if (VALIDATOR.handles(apiVersion, kind)) {
          documents.add(
              Arguments.of(
                  EXAMPLES.relativize(file)
                      + " #"
                      + (i + 1)
                      + " "
                      + kind
                      + "/"
                      + doc.at("/metadata/name").asText(),
                  doc));
        }
      }
    }
    return documents.stream();
  }

  /** The top-level files and those of the example folders (pytorch-ddp/, sklearn-classic/). */
  private static List<Path> everyYamlFile() throws IOException {
    try (Stream<Path> files = Files.walk(EXAMPLES, 2)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  private static List<Path> exampleFiles() throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kilnDocuments")
  void exampleIsAccepted(String name, JsonNode resource) {
    assertThat(VALIDATOR.validate(resource)).as(name).isEmpty();
  }

  @Test
  void everyExampleFileHoldsAKilnResourceAndAHeaderComment() throws IOException {
    List<Path> files = exampleFiles();
    assertThat(files)
        .extracting(f -> f.getFileName().toString())
        .contains(
            "trainingjob-basic.yaml",
            "trainingjob-gpu.yaml",
            "trainingjob-dataset-s3.yaml",
            "trainingjob-distributed.yaml",
            "modelserver-from-trainingjob.yaml",
            "modelserver-latest.yaml",
            "quickstart.yaml");
    String readme = Files.readString(EXAMPLES.resolve("README.md"));
    for (Path file : files) {
      String text = Files.readString(file);
      assertThat(text).as("%s starts with a comment saying what it shows", file).startsWith("# ");
      assertThat(CrdValidator.readAll(text))
          .as("%s holds a TrainingJob or ModelServer", file)
          .anySatisfy(
              d ->
                  assertThat(
                          VALIDATOR.handles(d.path("apiVersion").asText(), d.path("kind").asText()))
                      .isTrue());
      assertThat(readme)
          .as("examples/README.md lists %s", file.getFileName())
          .contains(file.getFileName().toString());
    }
  }

  @Test
  void quickstartUsesTheReferenceImagesAndServesItsOwnRun() throws IOException {
    List<JsonNode> docs =
        CrdValidator.readAll(Files.readString(EXAMPLES.resolve("quickstart.yaml")));
    JsonNode job =
        docs.stream()
            .filter(d -> d.path("kind").asText().equals("TrainingJob"))
            .findFirst()
            .orElseThrow();
    JsonNode server =
        docs.stream()
            .filter(d -> d.path("kind").asText().equals("ModelServer"))
            .findFirst()
            .orElseThrow();

    assertThat(job.at("/spec/image").asText()).isEqualTo("ghcr.io/kiln-dev/kiln-trainer:0.1.0");
    assertThat(job.at("/spec/keyMetric").asText()).isEqualTo("accuracy");
    assertThat(job.at("/spec/qualityGate/0/metric").asText()).isEqualTo("accuracy");
    assertThat(job.at("/spec/qualityGate/0/op").asText()).isEqualTo(">=");
    assertThat(job.at("/spec/qualityGate/0/value").asDouble()).isEqualTo(0.9);
    assertThat(server.at("/spec/image").asText())
        .isEqualTo("ghcr.io/kiln-dev/kiln-model-server:0.1.0");
    assertThat(server.at("/spec/model/trainingJobRef/name").asText())
        .isEqualTo(job.at("/metadata/name").asText());
  }
}
