package dev.kiln.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fields of an object that its kind's schema does not have, as the API server reports them
 * under {@code fieldValidation=Strict} ({@code unknown field "spec.foo"}, {@code unknown field
 * "spec.containers[0].imag"}). kubectl asks for that on every create and apply, leaving validation
 * to the server once its OpenAPI says the server can. Pure: the schemas are {@link ModelSchemas}'.
 */
final class UnknownFields {
  private static final String REF = "#/components/schemas/";

  private UnknownFields() {}

  /** The unknown fields of {@code object} under the schema named {@code schema}, in order. */
  static List<String> of(JsonNode object, String schema, Map<String, ObjectNode> schemas) {
    List<String> unknown = new ArrayList<>();
    walk(object, ref(schema), schemas, "", unknown);
    return unknown;
  }

  private static JsonNode ref(String name) {
    return JsonNodeFactory.instance.objectNode().put("$ref", REF + name);
  }

  private static void walk(
      JsonNode value,
      JsonNode schema,
      Map<String, ObjectNode> schemas,
      String path,
      List<String> out) {
    JsonNode s = resolve(schema, schemas).orElse(null);
    if (s == null || value == null || value.isNull()) {
      return;
    }
    if (s.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
      return;
    }
    if (value.isArray() && s.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        walk(value.get(i), s.get("items"), schemas, path + "[" + i + "]", out);
      }
      return;
    }
    if (!value.isObject()) {
      return;
    }
    if (s.has("additionalProperties") && s.get("additionalProperties").isObject()) {
      value
          .properties()
          .forEach(
              e ->
                  walk(
                      e.getValue(),
                      s.get("additionalProperties"),
                      schemas,
                      path + "[" + e.getKey() + "]",
                      out));
      return;
    }
    JsonNode properties = s.path("properties");
    if (!properties.isObject()) {
      return;
    }
    value
        .properties()
        .forEach(
            e -> {
              String field = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
              if (properties.has(e.getKey())) {
                walk(e.getValue(), properties.get(e.getKey()), schemas, field, out);
              } else {
                out.add(field);
              }
            });
  }

  private static Optional<JsonNode> resolve(JsonNode schema, Map<String, ObjectNode> schemas) {
    String ref = schema.path("$ref").asText("");
    if (ref.isEmpty()) {
      return Optional.of(schema);
    }
    return Optional.ofNullable(schemas.get(ref.substring(REF.length())));
  }
}
