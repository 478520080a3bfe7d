package dev.kiln.testkit.crd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offline validator itself: what it accepts, what it reports and how. */
class CrdValidatorTest {
  private static final CrdValidator VALIDATOR = CrdValidator.kiln();

  private static final String MINIMAL =
      """
      apiVersion: kiln.dev/v1alpha1
      kind: TrainingJob
      metadata:
        name: iris
      spec:
        image: ghcr.io/kiln-dev/kiln-trainer:0.1.0
      """;

  private static final String STARTED =
      MINIMAL
          + """
          status:
            jobName: iris-1
          """;

  @Test
  void aValidResourcePasses() {
    assertThat(VALIDATOR.validate(MINIMAL)).isEmpty();
  }

  @Test
  void schemaMessagesNameTheFieldPathAndTheKeyword() {
    List<String> errors =
        VALIDATOR.validate(
            MINIMAL.replace("kiln-trainer:0.1.0", "kiln trainer") + "  workers: 0\n");

    assertThat(errors)
        .anySatisfy(e -> assertThat(e).startsWith("spec.image: ").contains("(pattern)"))
        .anySatisfy(e -> assertThat(e).startsWith("spec.workers: ").contains("(minimum)"));
  }

  @Test
  void aMissingRequiredFieldIsReportedAtTheFieldsOwnPathAndBlocksTheCelRules() {
    // As on the API server, a required/type/enum/size violation stops CEL evaluation and says so.
    assertThat(
            VALIDATOR.validate(
                MINIMAL.replace(
                    "  image: ghcr.io/kiln-dev/kiln-trainer:0.1.0\n", "  workers: 1\n")))
        .satisfiesExactly(
            e -> assertThat(e).startsWith("spec.image: Required value"),
            e -> assertThat(e).isEqualTo(CrdValidator.RULES_NOT_CHECKED));
  }

  @Test
  void aPatternViolationDoesNotBlockTheCelRules() {
    String server =
        """
        apiVersion: kiln.dev/v1alpha1
        kind: ModelServer
        metadata:
          name: iris
        spec:
          image: "kiln model server"
          model:
            format: onnx
        """;
    assertThat(VALIDATOR.validate(server))
        .satisfiesExactlyInAnyOrder(
            e -> assertThat(e).startsWith("spec.image: ").endsWith("(pattern)"),
            e ->
                assertThat(e)
                    .isEqualTo(
                        "spec.model: model: set exactly one of trainingJobRef, latest or uri"));
  }

  @Test
  void unknownFieldsAreReportedLikeKubectlValidateStrict() {
    assertThat(VALIDATOR.validate(MINIMAL + "  foo: bar\n"))
        .containsExactly("unknown field \"spec.foo\"");
  }

  @Test
  void mapsAcceptArbitraryKeys() {
    assertThat(VALIDATOR.validate(MINIMAL + "  nodeSelector:\n    any.key/here: v\n")).isEmpty();
  }

  @Test
  void anEmptyFieldIsTreatedAsUnsetAsTheApiServerPrunesNonNullableNulls() {
    assertThat(VALIDATOR.validate(MINIMAL + "  env:\n  workers:\n")).isEmpty();
  }

  @Test
  void defaultsAreAppliedBeforeValidation() {
    // workers defaults to 1 on both sides, so an explicit 1 after start is no change.
    assertThat(
            VALIDATOR.validateUpdate(STARTED, STARTED.replace("status:", "  workers: 1\nstatus:")))
        .isEmpty();
    assertThat(
            VALIDATOR.validateUpdate(STARTED, STARTED.replace("status:", "  workers: 2\nstatus:")))
        .singleElement()
        .asString()
        .startsWith("spec.workers cannot change once training has started");
  }

  @Test
  void aTransitionRuleIsSkippedOnCreate() {
    // status.jobName is set and the image differs from nothing: on create there is no oldSelf.
    assertThat(VALIDATOR.validate(STARTED.replace("0.1.0", "0.2.0"))).isEmpty();
  }

  @Test
  void aTransitionRuleRunsOnUpdate() {
    assertThat(VALIDATOR.validateUpdate(STARTED, STARTED.replace("0.1.0", "0.2.0")))
        .singleElement()
        .asString()
        .startsWith("spec.image cannot change once training has started");
  }

  @Test
  void aFalseRuleYieldsItsMessagePrefixedByThePath() {
    String server =
        """
        apiVersion: kiln.dev/v1alpha1
        kind: ModelServer
        metadata:
          name: iris
        spec:
          model:
            format: onnx
        """;
    assertThat(VALIDATOR.validate(server))
        .containsExactly("spec.model: model: set exactly one of trainingJobRef, latest or uri");
  }

  @Test
  void otherKindsAreNotHandled() {
    assertThat(VALIDATOR.handles("v1", "Secret")).isFalse();
    assertThat(VALIDATOR.validate("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n"))
        .singleElement()
        .asString()
        .contains("no matches for kind \"Secret\"");
  }

  @Test
  void aBadMetadataNameIsRejected() {
    assertThat(VALIDATOR.validate(MINIMAL.replace("name: iris", "name: Iris_1")))
        .singleElement()
        .asString()
        .startsWith("metadata.name: Invalid value: \"Iris_1\"");
  }

  @Test
  void aRuleThatDoesNotCompileFailsLoudly(@TempDir Path dir) throws IOException {
    Path crd = dir.resolve("broken.yaml");
    Files.writeString(
        crd,
        """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: things.example.com
        spec:
          group: example.com
          names: {kind: Thing, plural: things}
          scope: Namespaced
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    x-kubernetes-validations:
                    - rule: "self.size( =="
                      message: never
        """);
    CrdValidator validator = CrdValidator.forCrd(crd);

    assertThatThrownBy(
            () ->
                validator.validate(
                    "apiVersion: example.com/v1\nkind: Thing\nmetadata: {name: a}\nspec: {}\n"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("does not compile");
  }

  @Test
  void anEvaluationErrorIsAValidationFailureNotAPass(@TempDir Path dir) throws IOException {
    Path crd = dir.resolve("erroring.yaml");
    Files.writeString(
        crd,
        """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: things.example.com
        spec:
          group: example.com
          names: {kind: Thing, plural: things}
          scope: Namespaced
          versions:
          - name: v1
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    x-kubernetes-preserve-unknown-fields: true
                    x-kubernetes-validations:
                    - rule: "self.missing == 1"
                      message: never
        """);

    assertThat(
            CrdValidator.forCrd(crd)
                .validate(
                    "apiVersion: example.com/v1\nkind: Thing\nmetadata: {name: a}\nspec: {x: 1}\n"))
        .singleElement()
        .asString()
        .startsWith("spec: rule evaluation error: self.missing == 1");
  }

  /** A CRD exercising what Kubernetes adds to plain CEL and JSON Schema. */
  private static CrdValidator kubernetesFeatures(Path dir) throws IOException {
    Path crd = dir.resolve("features.yaml");
    Files.writeString(
        crd,
        """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: things.example.com
        spec:
          group: example.com
          names: {kind: Thing, plural: things}
          scope: Namespaced
          versions:
          - name: v1
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  metadata:
                    type: object
                    properties:
                      name: {type: string, maxLength: 8}
                  spec:
                    type: object
                    properties:
                      request: {type: string}
                      limit: {type: string}
                      items:
                        type: array
                        x-kubernetes-list-type: map
                        x-kubernetes-list-map-keys: [name]
                        items:
                          type: object
                          required: [name]
                          properties:
                            name: {type: string}
                            value: {type: string}
                      tags:
                        type: array
                        x-kubernetes-list-type: set
                        items: {type: string}
                      sizes:
                        type: object
                        additionalProperties:
                          anyOf: [{type: integer}, {type: string}]
                          x-kubernetes-int-or-string: true
                          x-kubernetes-validations:
                          - rule: "isQuantity(string(self))"
                            message: must be a quantity
                    x-kubernetes-validations:
                    - rule: >-
                        !has(self.request) || !has(self.limit)
                        || quantity(self.request).compareTo(quantity(self.limit)) <= 0
                      fieldPath: .request
                      message: must not exceed the limit
                    - rule: "!has(self.limit) || quantity(self.limit).isInteger()"
                      message: a whole number
        """);
    return CrdValidator.forCrd(crd);
  }

  private static String thing(String spec) {
    return "apiVersion: example.com/v1\nkind: Thing\nmetadata:\n  name: a\n  namespace: ns\n"
        + "  labels: {app: x}\nspec:\n"
        + spec;
  }

  @Test
  void theQuantityLibraryComparesQuantitiesAsTheApiServerReadsThem(@TempDir Path dir)
      throws IOException {
    CrdValidator validator = kubernetesFeatures(dir);
    assertThat(validator.validate(thing("  request: 500Mi\n  limit: 1Gi\n"))).isEmpty();
    assertThat(validator.validate(thing("  request: 1500m\n  limit: \"2\"\n"))).isEmpty();
    assertThat(validator.validate(thing("  request: 2Gi\n  limit: 1Gi\n")))
        .containsExactly("spec.request: must not exceed the limit");
    assertThat(validator.validate(thing("  limit: 1500m\n")))
        .containsExactly("spec: a whole number");
    assertThat(
            validator.validate(thing("  sizes: {a: '1e3', b: 12, c: '.5Ki', d: 4gi, e: 1.5.5}\n")))
        .containsExactlyInAnyOrder(
            "spec.sizes.d: must be a quantity", "spec.sizes.e: must be a quantity");
  }

  @Test
  void listsKeyedByANameOrSetsRefuseDuplicatesAtTheirIndex(@TempDir Path dir) throws IOException {
    CrdValidator validator = kubernetesFeatures(dir);
    assertThat(
            validator.validate(
                thing(
                    """
                      items: [{name: a, value: '1'}, {name: b}, {name: a, value: '2'}]
                      tags: [x, y, x]
                    """)))
        .containsExactlyInAnyOrder(
            "spec.items[2]: Duplicate value: {\"name\":\"a\"}",
            "spec.tags[2]: Duplicate value: \"x\"");
  }

  @Test
  void theRootSchemaMayBoundTheNameAndLeavesTheRestOfMetadataAlone(@TempDir Path dir)
      throws IOException {
    CrdValidator validator = kubernetesFeatures(dir);
    assertThat(validator.validate(thing("  tags: []\n"))).isEmpty();
    assertThat(validator.validate(thing("  tags: []\n").replace("name: a", "name: abcdefghi")))
        .anySatisfy(e -> assertThat(e).startsWith("metadata.name: ").endsWith("(maxLength)"));
  }
}
