package dev.kiln.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.testkit.crd.CrdValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every string, list and map that Kiln's own API defines is bounded: strings by maxLength (or an
 * enum), lists by maxItems, maps by maxProperties. Bounds keep etcd objects small and let the API
 * server's CEL cost estimator accept the rules.
 *
 * <p>Not checked (listed in {@link #EXCLUDED} and in crd/README.md): the insides of embedded core
 * Kubernetes types, whose schemas the generator copies from the fabric8 model without bounds (the
 * list or field holding them is still bounded), and the status, which only the operator writes
 * through the /status subresource.
 */
class SchemaBoundsTest {
  /**
   * Schema paths ({@code []} = list items, {@code {}} = map values) below which bounds are not
   * required, with the reason.
   */
  static final Map<String, String> EXCLUDED =
      Map.ofEntries(
          Map.entry("spec.env[]", "core EnvVar (the list has maxItems)"),
          Map.entry("spec.envFrom[]", "core EnvFromSource (the list has maxItems)"),
          Map.entry("spec.resources", "core ResourceRequirements"),
          Map.entry("spec.tolerations[]", "core Toleration (the list has maxItems)"),
          Map.entry("spec.affinity", "core Affinity"),
          Map.entry("spec.imagePullSecrets[]", "core LocalObjectReference (the list has maxItems)"),
          Map.entry("spec.pod.volumes[]", "core Volume (the list has maxItems)"),
          Map.entry("spec.model.latest.selector", "core LabelSelector"),
          Map.entry("spec.networkPolicy.allowFrom[].podSelector", "core LabelSelector"),
          Map.entry("spec.networkPolicy.allowFrom[].namespaceSelector", "core LabelSelector"),
          Map.entry("status", "written only by the operator (conditions are metav1.Condition)"));

  private static final Set<String> BOUNDED_FORMATS = Set.of("date-time", "date", "int-or-string");

  @ParameterizedTest
  @ValueSource(strings = {"TrainingJob", "ModelServer"})
  void everyStringListAndMapOfKilnsOwnApiIsBounded(String kind) {
    JsonNode schema = CrdValidator.kiln().schemaOf("kiln.dev/v1alpha1", kind);
    List<String> unbounded = new ArrayList<>();
    SchemaWalk.walk(
        schema,
        "",
        (path, node) -> {
          if (excluded(path)) {
            return;
          }
          String type = node.path("type").asText();
          if (type.equals("string")
              && !node.has("maxLength")
              && !node.has("enum")
              && !BOUNDED_FORMATS.contains(node.path("format").asText())) {
            unbounded.add(path + ": string without maxLength");
          }
          if (type.equals("array") && !node.has("maxItems")) {
            unbounded.add(path + ": array without maxItems");
          }
          if (type.equals("object")
              && node.has("additionalProperties")
              && !node.has("maxProperties")) {
            unbounded.add(path + ": map without maxProperties");
          }
        });

    assertThat(unbounded)
        .as(
            "%s fields without bounds; add @Size(max = …) to the Java type (or, for an embedded core"
                + " type, add its path to SchemaBoundsTest.EXCLUDED and crd/README.md)",
            kind)
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"TrainingJob", "ModelServer"})
  void everyExclusionStillExistsInSomeSchema(String kind) {
    // Stale exclusions would silently widen what is not checked.
    Set<String> paths = new TreeSet<>();
    for (String k : List.of("TrainingJob", "ModelServer")) {
      SchemaWalk.walk(
          CrdValidator.kiln().schemaOf("kiln.dev/v1alpha1", k), "", (p, n) -> paths.add(p));
    }
    assertThat(paths).containsAll(EXCLUDED.keySet());
  }

  private static boolean excluded(String path) {
    return EXCLUDED.keySet().stream()
        .anyMatch(
            e ->
                path.equals(e)
                    || path.startsWith(e + ".")
                    || path.startsWith(e + "[")
                    || path.startsWith(e + "{"));
  }
}
