package dev.kiln.testkit.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Walks a value along its structural schema: defaults, unknown fields and CEL rules. */
final class SchemaWalk {
  private SchemaWalk() {}

  /**
   * Does what the API server does before validating: drops null values of fields that are not
   * {@code nullable} (so {@code env:} with nothing after it means "not set") and fills in schema
   * defaults for absent properties of present objects, recursively.
   */
  static void applyDefaults(JsonNode schema, JsonNode value) {
    if (value == null || schema == null) {
      return;
    }
    if (value.isObject()) {
      ObjectNode object = (ObjectNode) value;
      JsonNode properties = schema.path("properties");
      JsonNode additionalSchema = schema.get("additionalProperties");
      List<String> nulls = new ArrayList<>();
      object
          .properties()
          .forEach(
              f -> {
                JsonNode fieldSchema =
                    properties.has(f.getKey()) ? properties.get(f.getKey()) : additionalSchema;
                if (f.getValue().isNull()
                    && fieldSchema != null
                    && fieldSchema.isObject()
                    && !fieldSchema.path("nullable").asBoolean(false)) {
                  nulls.add(f.getKey());
                }
              });
      object.remove(nulls);
      properties
          .properties()
          .forEach(
              p -> {
                if (!object.has(p.getKey()) && p.getValue().has("default")) {
                  object.set(p.getKey(), p.getValue().get("default").deepCopy());
                }
                applyDefaults(p.getValue(), object.get(p.getKey()));
              });
      JsonNode additional = schema.get("additionalProperties");
      if (additional != null && additional.isObject()) {
        object.elements().forEachRemaining(v -> applyDefaults(additional, v));
      }
    } else if (value.isArray() && schema.has("items")) {
      value.elements().forEachRemaining(v -> applyDefaults(schema.get("items"), v));
    }
  }

  /** Unknown fields and CEL rules, walking the value along its schema. */
  static void walk(
      JsonNode schema,
      JsonNode value,
      JsonNode old,
      String path,
      List<String> errors,
      boolean cel,
      boolean root) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return;
    }
    if (cel) {
      for (JsonNode rule : schema.path("x-kubernetes-validations")) {
        CelRules.evaluate(rule, value, old, path, errors);
      }
    }
    if (value.isObject()) {
      JsonNode properties = schema.path("properties");
      JsonNode additional = schema.get("additionalProperties");
      boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
      for (Map.Entry<String, JsonNode> field : value.properties()) {
        String name = field.getKey();
        JsonNode oldChild = old != null && old.isObject() ? old.get(name) : null;
        String childPath = SchemaMessages.join(path, name);
        if (root && name.equals("metadata")) {
          // ObjectMeta is the API server's; the schema may only restrict name and generateName,
          // which the schema validation has checked.
          continue;
        }
        if (properties.has(name)) {
          walk(properties.get(name), field.getValue(), oldChild, childPath, errors, cel, false);
        } else if (additional != null && additional.isObject()) {
          walk(additional, field.getValue(), oldChild, childPath, errors, cel, false);
        } else if (root && List.of("apiVersion", "kind", "metadata").contains(name)) {
          // Checked by the API server itself, not by the CRD schema.
        } else if (!preserve && !(additional != null && additional.asBoolean(false))) {
          errors.add("unknown field \"" + childPath + "\"");
        }
      }
    } else if (value.isArray() && schema.has("items")) {
      duplicates(schema, value, path, errors);
      for (int i = 0; i < value.size(); i++) {
        walk(schema.get("items"), value.get(i), null, path + "[" + i + "]", errors, cel, false);
      }
    }
  }

  /**
   * {@code x-kubernetes-list-type: map} (items unique by {@code x-kubernetes-list-map-keys}) and
   * {@code set} (items unique): each repeated item is reported at its index, as the API server does
   * ({@code spec.env[1]: Duplicate value: {"name":"A"}}).
   */
  private static void duplicates(JsonNode schema, JsonNode list, String path, List<String> errors) {
    String type = schema.path("x-kubernetes-list-type").asText("atomic");
    if (!type.equals("map") && !type.equals("set")) {
      return;
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode item = list.get(i);
      JsonNode key = item;
      if (type.equals("map")) {
        ObjectNode keys = JsonNodeFactory.instance.objectNode();
        for (JsonNode k : schema.path("x-kubernetes-list-map-keys")) {
          if (item.has(k.asText())) {
            keys.set(k.asText(), item.get(k.asText()));
          }
        }
        key = keys;
      }
      if (!seen.add(key.toString())) {
        errors.add(path + "[" + i + "]: Duplicate value: " + key);
      }
    }
  }
}
