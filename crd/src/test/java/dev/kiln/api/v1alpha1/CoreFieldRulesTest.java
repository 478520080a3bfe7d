package dev.kiln.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.testkit.crd.CrdValidator;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The two halves of {@link CoreFieldRules} say the same: every case of the admission corpus marked
 * {@code # operator: refuses} is refused by the operator's check too, naming the same field as the
 * CRD; what the CRD accepts (the examples, the every-field TrainingJob) the check accepts. And the
 * rule table fits the CRDs it is written into.
 */
class CoreFieldRulesTest {
  private static final CrdValidator VALIDATOR = CrdValidator.kiln();
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final Path CORPUS = Path.of("src/test/resources/invalid");

  record Case(String file, String yaml) {
    @Override
    public String toString() {
      return file;
    }
  }

  static List<Case> refusedByTheOperator() throws IOException {
    List<Case> cases = new ArrayList<>();
    try (Stream<Path> files = Files.list(CORPUS)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        String yaml = Files.readString(f);
        if (yaml.lines().anyMatch(l -> l.equals("# operator: refuses"))) {
          cases.add(new Case(f.getFileName().toString(), yaml));
        }
      }
    }
    return cases;
  }

  @Test
  void theOperatorTwinCoversEnoughOfTheCorpus() throws IOException {
    assertThat(refusedByTheOperator()).hasSizeGreaterThanOrEqualTo(40);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedByTheOperator")
  void theOperatorRefusesWhatTheCrdRefusesNamingTheSameField(Case c) throws IOException {
    JsonNode doc = CrdValidator.readAll(c.yaml()).get(0);
    List<String> crd =
        VALIDATOR.validate(doc).stream()
            .filter(m -> !m.equals(CrdValidator.RULES_NOT_CHECKED))
            .toList();
    assertThat(crd).as("the CRD refuses %s", c.file()).isNotEmpty();

    List<String> operator = check(doc);

    for (String message : crd) {
      String field = field(message);
      assertThat(operator)
          .as("%s: the CRD says %s; the operator says %s", c.file(), message, operator)
          .anySatisfy(p -> assertThat(sameField(field(p), field)).isTrue());
    }
  }

  @Test
  void whatTheCrdAcceptsTheOperatorAcceptsToo() throws IOException {
    Path root = CrdValidator.repositoryRoot();
    List<Path> files = new ArrayList<>();
    try (Stream<Path> examples = Files.walk(root.resolve("examples"), 2)) {
      examples.filter(f -> f.toString().endsWith(".yaml")).sorted().forEach(files::add);
    }
    files.add(Path.of("src/test/resources/valid/trainingjob-every-field.yaml"));
    int checked = 0;
    for (Path file : files) {
      for (JsonNode doc : CrdValidator.readAll(Files.readString(file))) {
        if (VALIDATOR.handles(doc.path("apiVersion").asText(), doc.path("kind").asText())) {
          assertThat(VALIDATOR.validate(doc)).as(file.toString()).isEmpty();
          assertThat(check(doc)).as(file.toString()).isEmpty();
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThan(10);
  }

  @Test
  void everyRuleSitsWhereOneOfTheCrdsHasTheField() {
    JsonNode tj = VALIDATOR.schemaOf("kiln.dev/v1alpha1", "TrainingJob");
    JsonNode ms = VALIDATOR.schemaOf("kiln.dev/v1alpha1", "ModelServer");
    for (CoreFieldRules.Rule rule : CoreFieldRules.RULES) {
      for (String at : rule.at()) {
        assertThat(CoreTypeSchemas.at(tj, at).or(() -> CoreTypeSchemas.at(ms, at)))
            .as("the rule \"%s\" sits at %s, which neither CRD has", rule.message(), at)
            .isPresent();
      }
    }
  }

  @Test
  void everyRuleSaysWhichKubernetesItNeeds() {
    for (CoreFieldRules.Rule rule : CoreFieldRules.RULES) {
      boolean quantity = rule.cel().contains("quantity(") || rule.cel().contains("isQuantity(");
      assertThat(rule.since())
          .as("%s: fieldPath needs 1.28, the quantity library 1.29", rule.message())
          .isEqualTo(quantity ? "1.29" : "1.28");
    }
  }

  /** What the operator's check says of a corpus document. */
  private static List<String> check(JsonNode doc) {
    WorkloadSpec spec =
        doc.path("kind").asText().equals("TrainingJob")
            ? SERIALIZATION.convertValue(doc, TrainingJob.class).getSpec()
            : SERIALIZATION.convertValue(doc, ModelServer.class).getSpec();
    List<String> problems = new ArrayList<>();
    CoreFieldRules.check(spec, problems);
    return problems;
  }

  /** The field path a message starts with: {@code spec.env[0].valueFrom: …}. */
  private static String field(String message) {
    int colon = message.indexOf(": ");
    return colon < 0 ? message : message.substring(0, colon);
  }

  /** One path names the field or the object holding it: spec.env[1] and spec.env[1].name. */
  private static boolean sameField(String a, String b) {
    return a.equals(b) || a.startsWith(b + ".") || b.startsWith(a + ".");
  }
}
