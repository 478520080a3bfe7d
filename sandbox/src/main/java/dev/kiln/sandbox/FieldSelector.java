package dev.kiln.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A field selector ({@code ?fieldSelector=}) read and applied as the API server does: terms {@code
 * field=value}, {@code field==value} or {@code field!=value} joined by commas, values escaping
 * {@code \,} {@code \=} and {@code \\}. Each kind answers the field labels the API server gives it
 * ({@code metadata.name}, and {@code metadata.namespace} when namespaced, for all; {@code
 * involvedObject.*}, {@code reason}, {@code type}, {@code source}, {@code reportingComponent} for
 * Events; {@code spec.nodeName}, {@code status.phase}, … for pods) and refuses any other, as the
 * API server does: {@code field label not supported: x}. An unset field is the empty string.
 */
final class FieldSelector {
  /** One requirement: the field's value equals (or, {@code !equal}, differs from) the value. */
  record Term(String field, String value, boolean equal) {}

  /** Field labels beyond metadata's, by resource key ({@code <group>/<version>/<resource>}). */
  private static final Map<String, Map<String, Function<JsonNode, String>>> FIELDS =
      Map.of(
          "/v1/events",
          Map.ofEntries(
              field("involvedObject.kind", o -> text(o, "involvedObject", "kind")),
              field("involvedObject.namespace", o -> text(o, "involvedObject", "namespace")),
              field("involvedObject.name", o -> text(o, "involvedObject", "name")),
              field("involvedObject.uid", o -> text(o, "involvedObject", "uid")),
              field("involvedObject.apiVersion", o -> text(o, "involvedObject", "apiVersion")),
              field(
                  "involvedObject.resourceVersion",
                  o -> text(o, "involvedObject", "resourceVersion")),
              field("involvedObject.fieldPath", o -> text(o, "involvedObject", "fieldPath")),
              field("reason", o -> text(o, "reason")),
              field("reportingComponent", o -> text(o, "reportingComponent")),
              field(
                  "source",
                  o ->
                      text(o, "source", "component").isEmpty()
                          ? text(o, "reportingComponent")
                          : text(o, "source", "component")),
              field("type", o -> text(o, "type"))),
          "/v1/pods",
          Map.ofEntries(
              field("spec.nodeName", o -> text(o, "spec", "nodeName")),
              field("spec.restartPolicy", o -> text(o, "spec", "restartPolicy")),
              field("spec.schedulerName", o -> text(o, "spec", "schedulerName")),
              field("spec.serviceAccountName", o -> text(o, "spec", "serviceAccountName")),
              field(
                  "spec.hostNetwork",
                  o -> String.valueOf(o.path("spec").path("hostNetwork").asBoolean())),
              field("status.phase", o -> text(o, "status", "phase")),
              field(
                  "status.podIP",
                  o -> o.path("status").path("podIPs").path(0).path("ip").asText("")),
              field("status.nominatedNodeName", o -> text(o, "status", "nominatedNodeName"))),
          "/v1/secrets",
          Map.ofEntries(field("type", o -> text(o, "type"))),
          "/v1/namespaces",
          Map.ofEntries(field("status.phase", o -> text(o, "status", "phase"))),
          "/v1/nodes",
          Map.ofEntries(
              field(
                  "spec.unschedulable",
                  o -> String.valueOf(o.path("spec").path("unschedulable").asBoolean()))),
          "batch/v1/jobs",
          Map.ofEntries(
              field(
                  "status.successful",
                  o -> String.valueOf(o.path("status").path("succeeded").asInt()))),
          "apps/v1/replicasets",
          Map.ofEntries(
              field(
                  "status.replicas",
                  o -> String.valueOf(o.path("status").path("replicas").asInt()))));

  private final List<Term> terms;

  private FieldSelector(List<Term> terms) {
    this.terms = List.copyOf(terms);
  }

  /**
   * Reads a selector as the API server's {@code fields.ParseSelector} does.
   *
   * @throws IllegalArgumentException naming the term it cannot read
   */
  static FieldSelector parse(String text) {
    List<Term> terms = new ArrayList<>();
    for (String part : splitTerms(text)) {
      if (part.isEmpty()) {
        continue;
      }
      terms.add(term(part));
    }
    return new FieldSelector(terms);
  }

  List<Term> terms() {
    return terms;
  }

  boolean isEmpty() {
    return terms.isEmpty();
  }

  /**
   * The API server's refusal of the first field label that {@code resourceKey} does not have, if
   * any: {@code field label not supported: x}.
   */
  Optional<String> unsupported(String resourceKey, boolean namespaced) {
    Map<String, Function<JsonNode, String>> own = FIELDS.getOrDefault(resourceKey, Map.of());
    for (Term t : terms) {
      boolean meta =
          t.field().equals("metadata.name")
              || (namespaced && t.field().equals("metadata.namespace"));
      if (!meta && !own.containsKey(t.field())) {
        return Optional.of("field label not supported: " + t.field());
      }
    }
    return Optional.empty();
  }

  /** Whether the object meets every term; fields the kind lacks are the empty string. */
  boolean matches(String resourceKey, JsonNode object) {
    for (Term t : terms) {
      if (value(resourceKey, t.field(), object).equals(t.value()) != t.equal()) {
        return false;
      }
    }
    return true;
  }

  /** The object's value of a field label. */
  static String value(String resourceKey, String field, JsonNode object) {
    return switch (field) {
      case "metadata.name" -> text(object, "metadata", "name");
      case "metadata.namespace" -> text(object, "metadata", "namespace");
      default -> {
        Function<JsonNode, String> f = FIELDS.getOrDefault(resourceKey, Map.of()).get(field);
        yield f == null ? "" : f.apply(object);
      }
    };
  }

  private static Term term(String part) {
    for (int i = 0; i < part.length(); i++) {
      for (String op : List.of("!=", "==", "=")) {
        if (part.startsWith(op, i)) {
          return new Term(
              part.substring(0, i), unescape(part.substring(i + op.length())), !op.equals("!="));
        }
      }
    }
    throw new IllegalArgumentException(
        "invalid selector: '" + part + "'; can't understand '" + part + "'");
  }

  /** Splits on commas that are not escaped. */
  private static List<String> splitTerms(String text) {
    List<String> parts = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean escaped = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (escaped) {
        escaped = false;
        current.append(c);
      } else if (c == '\\') {
        escaped = true;
        current.append(c);
      } else if (c == ',') {
        parts.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    parts.add(current.toString());
    return parts;
  }

  private static String unescape(String value) {
    StringBuilder out = new StringBuilder();
    boolean escaped = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (escaped) {
        if (c != '\\' && c != ',' && c != '=') {
          throw new IllegalArgumentException(
              "invalid escape sequence \\" + c + " in '" + value + "'");
        }
        out.append(c);
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == ',' || c == '=') {
        throw new IllegalArgumentException("unescaped " + c + " in the value '" + value + "'");
      } else {
        out.append(c);
      }
    }
    if (escaped) {
      throw new IllegalArgumentException(
          "invalid escape sequence \\ at the end of '" + value + "'");
    }
    return out.toString();
  }

  private static String text(JsonNode object, String... path) {
    JsonNode node = object;
    for (String p : path) {
      node = node.path(p);
    }
    return node.isValueNode() && !node.isNull() ? node.asText() : "";
  }

  private static Map.Entry<String, Function<JsonNode, String>> field(
      String label, Function<JsonNode, String> value) {
    return Map.entry(label, value);
  }
}
