package dev.kiln.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.testkit.crd.CrdValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of invalid resources (src/test/resources/invalid, one case per file) that the API server
 * must refuse, each with the message the user would see.
 *
 * <p>File format: a header of comments — the first says what is wrong; each {@code # expect:} line
 * is a fragment that one and the same message must contain (the field path and the schema keyword,
 * or the CEL rule's message); {@code # messages: N} says how many messages there are (default 1, so
 * a case cannot pass by tripping over some other mistake); {@code # operation: update} means the
 * file holds two documents, the stored object and the update.
 */
class InvalidResourcesTest {
  private static final CrdValidator VALIDATOR = CrdValidator.kiln();
  private static final Path CORPUS = Path.of("src/test/resources/invalid");

  record Case(
      String file, String what, List<String> expect, int messages, boolean update, String yaml) {
    @Override
    public String toString() {
      return file + ": " + what;
    }
  }

  static List<Case> corpus() throws IOException {
    try (Stream<Path> files = Files.list(CORPUS)) {
      return files
          .filter(f -> f.toString().endsWith(".yaml"))
          .sorted()
          .map(InvalidResourcesTest::read)
          .toList();
    }
  }

  private static Case read(Path file) {
    try {
      String yaml = Files.readString(file);
      List<String> header = yaml.lines().takeWhile(l -> l.startsWith("#")).toList();
      List<String> expect =
          header.stream()
              .filter(l -> l.startsWith("# expect: "))
              .map(l -> l.substring("# expect: ".length()))
              .toList();
      int messages =
          header.stream()
              .filter(l -> l.startsWith("# messages: "))
              .map(l -> Integer.parseInt(l.substring("# messages: ".length()).split(" ", -1)[0]))
              .findFirst()
              .orElse(1);
      boolean update = header.stream().anyMatch(l -> l.startsWith("# operation: update"));
      return new Case(
          file.getFileName().toString(),
          header.get(0).substring(2),
          expect,
          messages,
          update,
          yaml);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void isRejectedWithTheExpectedMessage(Case c) throws IOException {
    List<JsonNode> docs = CrdValidator.readAll(c.yaml());
    List<String> errors;
    if (c.update()) {
      assertThat(docs).as("an update case holds the stored object and the update").hasSize(2);
      assertThat(VALIDATOR.validate(docs.get(0))).as("the stored object is valid").isEmpty();
      errors = VALIDATOR.validateUpdate(docs.get(0), docs.get(1));
    } else {
      assertThat(docs).hasSize(1);
      errors = VALIDATOR.validate(docs.get(0));
    }

    assertThat(c.expect()).as("%s has '# expect:' lines", c.file()).isNotEmpty();
    assertThat(errors.stream().filter(e -> !e.equals(CrdValidator.RULES_NOT_CHECKED)).toList())
        .as("%s (%s): %s", c.file(), c.what(), errors)
        .hasSize(c.messages())
        .anySatisfy(message -> assertThat(message).contains(c.expect()));
  }

  @Test
  void theCorpusCoversEveryCelRuleOfBothCrds() throws IOException {
    List<String> allExpectations = corpus().stream().flatMap(c -> c.expect().stream()).toList();
    for (String kind : List.of("TrainingJob", "ModelServer")) {
      JsonNode schema = VALIDATOR.schemaOf("kiln.dev/v1alpha1", kind);
      for (JsonNode rule : SchemaWalk.rules(schema)) {
        if (rule.path("rule").asText().contains("oldSelf")) {
          continue; // transition rules: TrainingJobImmutabilityTest covers each of them
        }
        String message = rule.path("message").asText();
        assertThat(allExpectations)
            .as("an invalid/ case expects the message of the %s rule \"%s\"", kind, message)
            .anySatisfy(
                e -> assertThat(e).contains(message.substring(0, Math.min(40, message.length()))));
      }
    }
  }

  @Test
  void theCorpusIsLargeEnough() throws IOException {
    assertThat(corpus()).hasSizeGreaterThanOrEqualTo(200);
  }
}
