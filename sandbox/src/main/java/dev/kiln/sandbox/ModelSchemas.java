package dev.kiln.sandbox;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * OpenAPI v3 schemas of the built-in kinds, derived from fabric8's model classes (the properties
 * Jackson reads and writes, their types and nesting) and named as the API server names them ({@code
 * io.k8s.api.core.v1.PodSpec}). fabric8's classes carry no descriptions at run time, so these
 * schemas have none; the structure is enough for {@code kubectl explain} to list fields and for the
 * sandbox to refuse unknown fields as a strict API server does.
 */
final class ModelSchemas {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REF = "#/components/schemas/";
  private static final String MODEL = "io.fabric8.kubernetes.api.model";

  /** fabric8's model package of each built-in group/version the sandbox serves. */
  private static final Map<String, String> PACKAGES =
      Map.of(
          "v1", MODEL,
          "apps/v1", MODEL + ".apps",
          "batch/v1", MODEL + ".batch.v1",
          "autoscaling/v2", MODEL + ".autoscaling.v2",
          "networking.k8s.io/v1", MODEL + ".networking.v1",
          "policy/v1", MODEL + ".policy.v1",
          "coordination.k8s.io/v1", MODEL + ".coordination.v1",
          "apiextensions.k8s.io/v1", MODEL + ".apiextensions.v1");

  /** The API server's prefix of each package's definitions. */
  private static final Map<String, String> PREFIXES =
      Map.of(
          MODEL,
          "io.k8s.api.core.v1.",
          MODEL + ".apps",
          "io.k8s.api.apps.v1.",
          MODEL + ".batch.v1",
          "io.k8s.api.batch.v1.",
          MODEL + ".autoscaling.v2",
          "io.k8s.api.autoscaling.v2.",
          MODEL + ".networking.v1",
          "io.k8s.api.networking.v1.",
          MODEL + ".policy.v1",
          "io.k8s.api.policy.v1.",
          MODEL + ".coordination.v1",
          "io.k8s.api.coordination.v1.",
          MODEL + ".apiextensions.v1",
          "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.");

  /** The types of fabric8's core package that are meta/v1's in Kubernetes. */
  private static final Set<String> META =
      Set.of(
          "ObjectMeta",
          "ListMeta",
          "OwnerReference",
          "ManagedFieldsEntry",
          "FieldsV1",
          "LabelSelector",
          "LabelSelectorRequirement",
          "Condition",
          "Status",
          "StatusDetails",
          "StatusCause",
          "MicroTime");

  private final Map<String, ObjectNode> schemas = new LinkedHashMap<>();
  private final Map<Class<?>, String> names = new HashMap<>();

  /** The fabric8 class of a built-in kind, e.g. {@code apps/v1} Deployment. */
  static Optional<Class<?>> modelClass(String groupVersion, String kind) {
    String pkg = PACKAGES.get(groupVersion);
    if (pkg == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Class.forName(pkg + "." + kind));
    } catch (ClassNotFoundException e) {
      return Optional.empty();
    }
  }

  /** The definition name the API server gives a type, e.g. {@code io.k8s.api.core.v1.Pod}. */
  static String definitionName(Class<?> type) {
    if (type == Quantity.class) {
      return "io.k8s.apimachinery.pkg.api.resource.Quantity";
    }
    if (type == IntOrString.class) {
      return "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
    }
    String pkg = type.getPackageName();
    if (pkg.equals(MODEL) && META.contains(type.getSimpleName())) {
      return "io.k8s.apimachinery.pkg.apis.meta.v1." + type.getSimpleName();
    }
    String prefix = PREFIXES.get(pkg);
    return prefix == null ? type.getName() : prefix + type.getSimpleName();
  }

  /** Adds the schema of a model class and of every model class it uses; returns its name. */
  String add(Class<?> type) {
    String known = names.get(type);
    if (known != null) {
      return known;
    }
    String name = definitionName(type);
    names.put(type, name);
    ObjectNode schema = JSON.createObjectNode();
    schemas.put(name, schema);
    if (type == Quantity.class) {
      schema.put("type", "string");
      schema.put(
          "description",
          "A fixed-point number: a plain number with an optional suffix, e.g. 1, 500m, 2Gi.");
      return name;
    }
    if (type == IntOrString.class) {
      schema.put("type", "string");
      schema.put("format", "int-or-string");
      schema.put("description", "An integer or a string.");
      return name;
    }
    if (type == MicroTime.class) {
      schema.put("type", "string");
      schema.put("format", "date-time");
      return name;
    }
    schema.put("type", "object");
    ObjectNode properties = schema.putObject("properties");
    JavaType javaType = JSON.constructType(type);
    for (BeanPropertyDefinition p :
        JSON.getSerializationConfig().introspect(javaType).findProperties()) {
      properties.set(p.getName(), schemaOf(p.getPrimaryType()));
    }
    return name;
  }

  /** The schemas added so far, by name. */
  Map<String, ObjectNode> schemas() {
    return schemas;
  }

  private JsonNode schemaOf(JavaType type) {
    Class<?> raw = type.getRawClass();
    ObjectNode schema = JSON.createObjectNode();
    if (raw == String.class || raw == Character.class || raw == char.class) {
      return schema.put("type", "string");
    }
    if (raw == Boolean.class || raw == boolean.class) {
      return schema.put("type", "boolean");
    }
    if (raw == Integer.class || raw == int.class || raw == Short.class || raw == short.class) {
      return schema.put("type", "integer").put("format", "int32");
    }
    if (raw == Long.class || raw == long.class) {
      return schema.put("type", "integer").put("format", "int64");
    }
    if (raw == Double.class || raw == double.class || raw == Float.class || raw == float.class) {
      return schema.put("type", "number").put("format", "double");
    }
    if (type.isEnumType()) {
      schema.put("type", "string");
      var values = schema.putArray("enum");
      for (Object constant : raw.getEnumConstants()) {
        values.add(JSON.convertValue(constant, String.class));
      }
      return schema;
    }
    if (type.isArrayType() || type.isCollectionLikeType()) {
      schema.put("type", "array");
      schema.set("items", schemaOf(type.getContentType()));
      return schema;
    }
    if (type.isMapLikeType()) {
      schema.put("type", "object");
      schema.set("additionalProperties", schemaOf(type.getContentType()));
      return schema;
    }
    if (raw == io.fabric8.kubernetes.api.model.Duration.class) {
      return schema.put("type", "string");
    }
    if (raw == Quantity.class || raw == IntOrString.class || raw == MicroTime.class) {
      return schema.put("$ref", REF + add(raw));
    }
    if (raw.getPackageName().startsWith(MODEL) && !raw.isInterface() && !customJson(raw)) {
      return schema.put("$ref", REF + add(raw));
    }
    // Anything else (Object, JsonNode, interfaces, types with their own JSON form) is free-form.
    schema.put("type", "object");
    schema.put("x-kubernetes-preserve-unknown-fields", true);
    return schema;
  }

  /** Whether a class (de)serializes itself, so its properties say nothing of its JSON. */
  private static boolean customJson(Class<?> type) {
    JsonSerialize serialize = type.getAnnotation(JsonSerialize.class);
    JsonDeserialize deserialize = type.getAnnotation(JsonDeserialize.class);
    return (serialize != null && serialize.using() != JsonSerializer.None.class)
        || (deserialize != null && deserialize.using() != JsonDeserializer.None.class);
  }
}
