package dev.kiln.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.testkit.crd.CrdValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every string, list and map a user writes is bounded: strings by maxLength (or an enum), lists by
 * maxItems, maps by maxProperties, int-or-string values (quantities) by maxLength — Kiln's own
 * fields by their annotations, the embedded core Kubernetes types by {@link CoreTypeSchemas}.
 * Bounds keep etcd objects small and are what the API server's CEL cost estimator multiplies: a
 * rule under an unbounded list, or on an unbounded string, is estimated at the largest request and
 * the CRD is refused.
 *
 * <p>cel-java has no cost estimator, so the second test estimates the part of the cost that bounds
 * control: how often a rule can run per object (the product of the bounds of the lists and maps
 * around it) times the iterations of its macros ({@code all}, {@code exists}, …, each over at most
 * the largest collection at the rule's node). It fails, naming the rule, above {@link
 * #MAX_EVALUATIONS}; it is an upper estimate of evaluations, not the API server's cost units.
 */
class SchemaBoundsTest {
  /** Paths below which bounds are not required, with the reason. */
  static final Map<String, String> EXCLUDED =
      Map.of(
          "status",
          "written only by the operator through /status and never checked by a CEL rule; a"
              + " bound there would turn a long message into a refused status write");

  private static final Set<String> BOUNDED_FORMATS = Set.of("date-time", "date");

  /**
   * The most times one rule's body may run for one object. The API server's per-rule limit is
   * 10,000,000 cost units; a body costs a few units to a few hundred (a regular expression on a
   * bounded string), so this leaves a wide margin.
   */
  static final long MAX_EVALUATIONS = 100_000;

  private static final Pattern MACRO = Pattern.compile("[.](all|exists|exists_one|map|filter)[(]");

  @ParameterizedTest
  @ValueSource(strings = {"TrainingJob", "ModelServer"})
  void everyStringListAndMapIsBounded(String kind) {
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
          if (node.path("x-kubernetes-int-or-string").asBoolean(false) && !node.has("maxLength")) {
            unbounded.add(path + ": int-or-string without maxLength");
          }
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
            "%s fields without bounds; add @Size(max = …) to the Java type, or a bound in"
                + " CoreTypeSchemas for a field inside an embedded core type",
            kind)
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"TrainingJob", "ModelServer"})
  void everyRuleRunsABoundedNumberOfTimesPerObject(String kind) {
    JsonNode schema = CrdValidator.kiln().schemaOf("kiln.dev/v1alpha1", kind);
    List<String> tooCostly = new ArrayList<>();
    estimate(schema, "", 1, tooCostly);
    assertThat(tooCostly)
        .as("%s rules that may run more than %d times per object", kind, MAX_EVALUATIONS)
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"TrainingJob", "ModelServer"})
  void everyExclusionStillExists(String kind) {
    // Stale exclusions would silently widen what is not checked.
    Set<String> paths = new TreeSet<>();
    SchemaWalk.walk(
        CrdValidator.kiln().schemaOf("kiln.dev/v1alpha1", kind), "", (p, n) -> paths.add(p));
    assertThat(paths).containsAll(EXCLUDED.keySet());
  }

  /** Walks the schema with the number of times a node can occur in one object. */
  private static void estimate(JsonNode node, String path, long occurrences, List<String> out) {
    if (excluded(path)) {
      return;
    }
    for (JsonNode rule : node.path("x-kubernetes-validations")) {
      String cel = rule.path("rule").asText();
      long iterations = 1;
      Matcher m = MACRO.matcher(cel);
      while (m.find()) {
        iterations = saturated(iterations, largestCollection(node));
      }
      long evaluations = saturated(occurrences, iterations);
      if (evaluations > MAX_EVALUATIONS) {
        out.add(
            (path.isEmpty() ? "<root>" : path)
                + ": \""
                + rule.path("message").asText()
                + "\" may run "
                + evaluations
                + " times");
      }
    }
    node.path("properties")
        .properties()
        .forEach(
            p ->
                estimate(
                    p.getValue(),
                    path.isEmpty() ? p.getKey() : path + "." + p.getKey(),
                    occurrences,
                    out));
    if (node.path("items").isObject()) {
      estimate(node.get("items"), path + "[]", saturated(occurrences, bound(node)), out);
    }
    if (node.path("additionalProperties").isObject()) {
      estimate(
          node.get("additionalProperties"), path + "{}", saturated(occurrences, bound(node)), out);
    }
  }

  /** The most items or entries of a list or map; unbounded counts as a million. */
  private static long bound(JsonNode collection) {
    JsonNode max =
        collection.has("maxItems") ? collection.get("maxItems") : collection.get("maxProperties");
    return max == null ? 1_000_000 : max.asLong();
  }

  /** The largest collection a macro at this node can iterate: the node or one of its fields. */
  private static long largestCollection(JsonNode node) {
    long largest = isCollection(node) ? bound(node) : 1;
    for (JsonNode field : node.path("properties")) {
      if (isCollection(field)) {
        largest = Math.max(largest, bound(field));
      }
    }
    return largest;
  }

  private static boolean isCollection(JsonNode node) {
    return node.path("type").asText().equals("array")
        || node.path("additionalProperties").isObject();
  }

  private static long saturated(long a, long b) {
    long product = a * b;
    return a != 0 && product / a != b ? Long.MAX_VALUE : product;
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
