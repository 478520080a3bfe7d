package dev.kiln.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.kiln.testkit.crd.CrdValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Once a TrainingJob has started (status.jobName is set) its spec is frozen, except suspend and
 * ttlSecondsAfterFinished. There is one transition rule per field, so the API server names the
 * field the user tried to change. The list of fields comes from the CRD schema: a spec field added
 * without its rule makes this test fail, naming the field.
 */
class TrainingJobImmutabilityTest {
  private static final CrdValidator VALIDATOR = CrdValidator.kiln();
  private static final Set<String> MUTABLE = Set.of("suspend", "ttlSecondsAfterFinished");
  private static final String FROZEN = " cannot change once training has started";

  private static ObjectNode started;

  @BeforeAll
  static void loadTheStartedJob() throws IOException {
    started =
        (ObjectNode)
            CrdValidator.readAll(
                    Files.readString(
                        Path.of("src/test/resources/valid/trainingjob-every-field.yaml")))
                .get(0);
  }

  static List<String> specFields() {
    JsonNode schema = VALIDATOR.schemaOf("kiln.dev/v1alpha1", "TrainingJob");
    List<String> fields = new ArrayList<>();
    schema.at("/properties/spec/properties").fieldNames().forEachRemaining(fields::add);
    return fields;
  }

  static Stream<String> frozenFields() {
    return specFields().stream().filter(f -> !MUTABLE.contains(f));
  }

  @Test
  void theStartedJobIsValidAndSetsEverySpecField() {
    assertThat(VALIDATOR.validate(started)).isEmpty();
    assertThat(started.path("spec").fieldNames())
        .toIterable()
        .as("src/test/resources/valid/trainingjob-every-field.yaml sets every spec field")
        .containsExactlyInAnyOrderElementsOf(specFields());
  }

  @ParameterizedTest(name = "spec.{0} has its own immutability rule")
  @MethodSource("frozenFields")
  void everyFrozenFieldHasItsOwnRule(String field) {
    JsonNode schema = VALIDATOR.schemaOf("kiln.dev/v1alpha1", "TrainingJob");
    assertThat(SchemaWalk.rules(schema))
        .as("a transition rule at the root whose message names spec.%s", field)
        .anySatisfy(
            rule -> {
              assertThat(rule.path("message").asText()).startsWith("spec." + field + FROZEN);
              assertThat(rule.path("rule").asText())
                  .contains("self.spec." + field)
                  .contains("oldSelf.spec." + field);
            });
  }

  @Test
  void suspendAndTtlHaveNoImmutabilityRule() {
    JsonNode schema = VALIDATOR.schemaOf("kiln.dev/v1alpha1", "TrainingJob");
    for (String field : MUTABLE) {
      assertThat(SchemaWalk.rules(schema))
          .as("spec.%s stays mutable after start", field)
          .noneSatisfy(
              rule -> assertThat(rule.path("rule").asText()).contains("self.spec." + field));
    }
  }

  @ParameterizedTest(name = "removing spec.{0} (changing it if required) after start is rejected")
  @MethodSource("frozenFields")
  void removingAFrozenFieldAfterStartIsRejected(String field) {
    ObjectNode update = started.deepCopy();
    if (field.equals("image")) {
      // required: removing it is a schema error; change it instead
      ((ObjectNode) update.get("spec")).put("image", "ghcr.io/kiln-dev/kiln-trainer:0.2.0");
    } else {
      ((ObjectNode) update.get("spec")).remove(field);
    }

    assertThat(VALIDATOR.validateUpdate(started, update))
        .as("removing (image: changing) spec.%s", field)
        .hasSize(1)
        .anySatisfy(m -> assertThat(m).startsWith("spec." + field + FROZEN));
  }

  @ParameterizedTest(name = "adding spec.{0} after start is rejected")
  @MethodSource("frozenFields")
  void addingAFrozenFieldAfterStartIsRejected(String field) {
    if (field.equals("image")) {
      return; // required: it cannot be absent before
    }
    ObjectNode before = started.deepCopy();
    ((ObjectNode) before.get("spec")).remove(field);

    List<String> errors = VALIDATOR.validateUpdate(before, started);
    if (field.equals("workers")) {
      // workers defaults to 1 and the stored object has 2: a change, not an addition
      assertThat(errors).anySatisfy(m -> assertThat(m).startsWith("spec.workers" + FROZEN));
      return;
    }
    assertThat(errors)
        .as("adding spec.%s", field)
        .anySatisfy(m -> assertThat(m).startsWith("spec." + field + FROZEN));
  }

  @Test
  void changingSuspendAndTtlAfterStartIsAccepted() {
    ObjectNode update = started.deepCopy();
    ObjectNode spec = (ObjectNode) update.get("spec");
    spec.put("suspend", true);
    spec.put("ttlSecondsAfterFinished", 60);

    assertThat(VALIDATOR.validateUpdate(started, update)).isEmpty();
  }

  @Test
  void removingSuspendAndTtlAfterStartIsAccepted() {
    ObjectNode update = started.deepCopy();
    ((ObjectNode) update.get("spec")).remove(List.of("suspend", "ttlSecondsAfterFinished"));

    assertThat(VALIDATOR.validateUpdate(started, update)).isEmpty();
  }

  @Test
  void changingTheImageBeforeStartIsAccepted() {
    ObjectNode pending = started.deepCopy();
    pending.remove("status");
    ObjectNode update = pending.deepCopy();
    ((ObjectNode) update.get("spec"))
        .set("image", TextNode.valueOf("ghcr.io/kiln-dev/kiln-trainer:0.2.0"));
    ((ObjectNode) update.get("spec")).set("workers", IntNode.valueOf(8));

    assertThat(VALIDATOR.validateUpdate(pending, update)).isEmpty();
  }

  @Test
  void changingTheImageWhileOnlyPhaseIsSetIsAccepted() {
    ObjectNode queued = started.deepCopy();
    ((ObjectNode) queued.get("status")).remove("jobName");
    ObjectNode update = queued.deepCopy();
    ((ObjectNode) update.get("spec"))
        .set("image", TextNode.valueOf("ghcr.io/kiln-dev/kiln-trainer:0.2.0"));

    assertThat(VALIDATOR.validateUpdate(queued, update)).isEmpty();
  }

  @Test
  void anUpdateThatChangesNothingAfterStartIsAccepted() {
    ObjectNode update = started.deepCopy();
    ((ObjectNode) update.get("status")).put("phase", "Succeeded");

    assertThat(VALIDATOR.validateUpdate(started, update)).isEmpty();
  }

  @Test
  void changingTwoFieldsReportsBoth() {
    ObjectNode update = started.deepCopy();
    ObjectNode spec = (ObjectNode) update.get("spec");
    spec.put("image", "ghcr.io/kiln-dev/kiln-trainer:0.2.0");
    ((ObjectNode) spec.get("hyperparameters")).put("epochs", "40");

    assertThat(VALIDATOR.validateUpdate(started, update))
        .hasSize(2)
        .anySatisfy(m -> assertThat(m).startsWith("spec.image" + FROZEN))
        .anySatisfy(m -> assertThat(m).startsWith("spec.hyperparameters" + FROZEN));
  }
}
