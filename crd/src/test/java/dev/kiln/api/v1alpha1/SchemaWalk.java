package dev.kiln.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Walks an openAPIV3Schema, calling back with each node's path (spec.env[], spec.nodeSelector{}).
 */
final class SchemaWalk {
  private SchemaWalk() {}

  static void walk(JsonNode schema, String path, BiConsumer<String, JsonNode> visitor) {
    visitor.accept(path, schema);
    schema
        .path("properties")
        .properties()
        .forEach(
            p ->
                walk(p.getValue(), path.isEmpty() ? p.getKey() : path + "." + p.getKey(), visitor));
    if (schema.has("items")) {
      walk(schema.get("items"), path + "[]", visitor);
    }
    if (schema.path("additionalProperties").isObject()) {
      walk(schema.get("additionalProperties"), path + "{}", visitor);
    }
    if (!schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
      // an int-or-string's alternatives are its integer and string; the node itself is bounded
      for (JsonNode alternative : schema.path("anyOf")) {
        walk(alternative, path, visitor);
      }
    }
  }

  /** Every x-kubernetes-validations rule in the schema ({rule, message}). */
  static List<JsonNode> rules(JsonNode schema) {
    List<JsonNode> rules = new ArrayList<>();
    walk(schema, "", (path, node) -> node.path("x-kubernetes-validations").forEach(rules::add));
    return rules;
  }
}
