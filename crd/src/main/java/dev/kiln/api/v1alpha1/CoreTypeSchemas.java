package dev.kiln.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Completes the generated schema of a kind where the Java types cannot carry annotations: inside
 * the core Kubernetes types the API embeds (EnvVar, ResourceRequirements, Toleration, Affinity,
 * Volume, LabelSelector, …) and on metadata.name. It
 *
 * <ul>
 *   <li>declares what kube-apiserver requires of those fields in a pod (required fields, enums,
 *       patterns, ranges) and adds the CEL rules of {@link CoreFieldRules};
 *   <li>bounds every string, list and map inside them (explicitly where Kubernetes has a limit,
 *       else {@link #MAX_STRING}, {@link #MAX_LIST}, {@link #MAX_MAP}), so the API server's CEL
 *       cost estimate stays within its budget and no object grows without limit;
 *   <li>makes spec.env and spec.pod.volumes lists keyed by name, and status.conditions a list keyed
 *       by type ({@code x-kubernetes-list-type: map}): a duplicate is refused, as the kubelet would
 *       otherwise silently take the last one;
 *   <li>bounds metadata.name: a TrainingJob name leaves room for the names Kiln derives from it
 *       ({@link Validation#MAX_TRAINING_JOB_NAME}); a ModelServer name is a Service name.
 * </ul>
 *
 * <p>Applied by the CRD generator through {@code @SchemaCustomizer} on {@link TrainingJob} and
 * {@link ModelServer} (the input names the kind); {@link #customize} is pure, for the tests.
 */
public final class CoreTypeSchemas implements SchemaCustomizer.Customizer {
  public static final String TRAINING_JOB = "TrainingJob";
  public static final String MODEL_SERVER = "ModelServer";

  /** Bounds where Kubernetes sets none: generous for any real pod, small for the cost estimate. */
  public static final int MAX_STRING = 4096;

  public static final int MAX_LIST = 64;
  public static final int MAX_MAP = 64;

  public static final int MAX_ENV_NAME = 256;

  /** Room for a configuration file in one variable; the object stays under etcd's limit. */
  public static final int MAX_ENV_VALUE = 32768;

  /**
   * Where the embedded core types start: below these, every string, list and map without a bound
   * gets the default one.
   */
  public static final List<String> CORE_TYPES =
      List.of(
          "spec.env",
          "spec.envFrom",
          "spec.resources",
          "spec.tolerations",
          "spec.affinity",
          "spec.imagePullSecrets",
          "spec.pod.volumes",
          "spec.model.latest.selector",
          "spec.networkPolicy.allowFrom[].podSelector",
          "spec.networkPolicy.allowFrom[].namespaceSelector");

  private static final String OPTIONAL_QUALIFIED_NAME =
      "^(" + unanchored(PodOverrides.QUALIFIED_NAME) + ")?$";

  @Override
  public JSONSchemaProps apply(
      JSONSchemaProps props, String kind, KubernetesSerialization serialization) {
    ObjectNode schema = serialization.convertValue(props, ObjectNode.class);
    customize(schema, kind);
    return serialization.convertValue(schema, JSONSchemaProps.class);
  }

  /** Completes the root schema of {@code kind} (TrainingJob or ModelServer) in place. */
  public static void customize(ObjectNode root, String kind) {
    metadataName(root, kind);
    listMap(root, "spec.env", "name");
    listMap(root, "spec.pod.volumes", "name");
    listMap(root, "status.conditions", "type");
    env(root);
    resources(root);
    tolerations(root);
    imagePullSecrets(root);
    affinity(root);
    labelSelectors(root);
    at(root, CoreFieldRules.VOLUME)
        .ifPresent(
            volume -> {
              string(volume, "name", Validation.MAX_NAME, Validation.DNS1123_LABEL);
              List<String> sources = new ArrayList<>();
              volume.path("properties").fieldNames().forEachRemaining(sources::add);
              sources.remove("name");
              CoreFieldRules.volumeTypeRules(sources).forEach(r -> rule(volume, r));
            });
    for (CoreFieldRules.Rule r : CoreFieldRules.RULES) {
      r.at().forEach(path -> at(root, path).ifPresent(node -> rule(node, r)));
    }
    for (String core : CORE_TYPES) {
      at(root, core).ifPresent(CoreTypeSchemas::boundAll);
    }
  }

  /** metadata.name: the root schema may restrict only name (and generateName). */
  private static void metadataName(ObjectNode root, String kind) {
    ObjectNode metadata = root.objectNode().put("type", "object");
    ObjectNode name = metadata.putObject("properties").putObject("name").put("type", "string");
    switch (kind) {
      case TRAINING_JOB -> name.put("maxLength", Validation.MAX_TRAINING_JOB_NAME);
      case MODEL_SERVER ->
          name.put("maxLength", Validation.MAX_NAME).put("pattern", Validation.DNS1035_LABEL);
      default -> throw new IllegalArgumentException("unknown kind " + kind);
    }
    ObjectNode properties = (ObjectNode) root.get("properties");
    Map<String, JsonNode> sorted = new TreeMap<>();
    properties.properties().forEach(p -> sorted.put(p.getKey(), p.getValue()));
    sorted.put("metadata", metadata);
    properties.removeAll();
    sorted.forEach(properties::set);
  }

  private static void env(ObjectNode root) {
    at(root, CoreFieldRules.ENV)
        .ifPresent(
            e -> {
              string(e, "name", MAX_ENV_NAME, CoreFieldRules.ENV_NAME);
              string(e, "value", MAX_ENV_VALUE, null);
            });
    for (String ref : List.of("configMapKeyRef", "secretKeyRef")) {
      at(root, CoreFieldRules.VALUE_FROM + "." + ref)
          .ifPresent(
              r -> {
                required(r, "key", "name");
                string(r, "name", Validation.MAX_SUBDOMAIN, Validation.DNS1123_SUBDOMAIN);
                string(r, "key", Validation.MAX_SUBDOMAIN, CoreFieldRules.CONFIG_KEY);
              });
    }
    at(root, CoreFieldRules.FIELD_REF)
        .ifPresent(
            r -> {
              required(r, "fieldPath");
              string(r, "fieldPath", 512, null);
            });
    at(root, CoreFieldRules.RESOURCE_FIELD_REF)
        .ifPresent(
            r -> {
              required(r, "resource");
              string(r, "resource", 128, null);
              string(r, "containerName", Validation.MAX_NAME, null);
            });
    at(root, CoreFieldRules.ENV_FROM)
        .ifPresent(
            e -> {
              string(e, "prefix", MAX_ENV_NAME, "^(" + unanchored(CoreFieldRules.ENV_NAME) + ")?$");
              for (String ref : List.of("configMapRef", "secretRef")) {
                ObjectNode r = property(e, ref);
                required(r, "name");
                string(r, "name", Validation.MAX_SUBDOMAIN, Validation.DNS1123_SUBDOMAIN);
              }
            });
  }

  private static void resources(ObjectNode root) {
    for (String map : List.of(CoreFieldRules.REQUESTS, CoreFieldRules.LIMITS)) {
      at(root, map).ifPresent(m -> m.put("maxProperties", 32));
      at(root, map + "{}").ifPresent(q -> q.put("maxLength", Quantities.MAX_LENGTH));
    }
  }

  private static void tolerations(ObjectNode root) {
    at(root, CoreFieldRules.TOLERATION)
        .ifPresent(
            t -> {
              string(t, "key", PodOverrides.MAX_QUALIFIED_NAME, OPTIONAL_QUALIFIED_NAME);
              string(t, "value", Validation.MAX_NAME, PodOverrides.LABEL_VALUE);
              enumOf(property(t, "operator"), "", "Equal", "Exists");
              enumOf(property(t, "effect"), "", "NoExecute", "NoSchedule", "PreferNoSchedule");
            });
  }

  private static void imagePullSecrets(ObjectNode root) {
    at(root, CoreFieldRules.IMAGE_PULL_SECRET)
        .ifPresent(
            s -> {
              required(s, "name");
              string(s, "name", Validation.MAX_SUBDOMAIN, Validation.DNS1123_SUBDOMAIN);
            });
  }

  private static void affinity(ObjectNode root) {
    at(root, CoreFieldRules.NODE_REQUIRED)
        .ifPresent(
            n -> {
              required(n, "nodeSelectorTerms");
              property(n, "nodeSelectorTerms").put("minItems", 1).put("maxItems", 16);
            });
    at(root, CoreFieldRules.NODE_PREFERRED.replace("[]", ""))
        .ifPresent(list -> list.put("maxItems", 32));
    at(root, CoreFieldRules.NODE_PREFERRED)
        .ifPresent(
            p -> {
              required(p, "preference", "weight");
              weight(p);
            });
    for (String term : CoreFieldRules.NODE_TERMS) {
      at(root, term + ".matchExpressions").ifPresent(l -> l.put("maxItems", 32));
      at(root, term + ".matchFields").ifPresent(l -> l.put("maxItems", 32));
      at(root, term + ".matchExpressions[]")
          .ifPresent(
              r -> {
                required(r, "key", "operator");
                string(r, "key", PodOverrides.MAX_QUALIFIED_NAME, PodOverrides.QUALIFIED_NAME);
                enumOf(
                    property(r, "operator"), "DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn");
                values(r, Validation.MAX_NAME, null);
              });
      at(root, term + ".matchFields[]")
          .ifPresent(
              r -> {
                required(r, "key", "operator");
                enumOf(property(r, "key"), "metadata.name");
                enumOf(property(r, "operator"), "In", "NotIn");
                values(r, Validation.MAX_SUBDOMAIN, null);
              });
    }
    for (String preferred : CoreFieldRules.POD_PREFERRED) {
      at(root, preferred.replace("[]", "")).ifPresent(list -> list.put("maxItems", 32));
      at(root, preferred)
          .ifPresent(
              p -> {
                required(p, "podAffinityTerm", "weight");
                weight(p);
              });
    }
    for (String term : CoreFieldRules.POD_TERMS) {
      if (term.endsWith("[]")) {
        at(root, term.substring(0, term.length() - 2)).ifPresent(l -> l.put("maxItems", 32));
      }
      at(root, term)
          .ifPresent(
              t -> {
                required(t, "topologyKey");
                string(
                    t, "topologyKey", PodOverrides.MAX_QUALIFIED_NAME, PodOverrides.QUALIFIED_NAME);
                property(t, "topologyKey").put("minLength", 1);
                ObjectNode namespaces = property(t, "namespaces");
                namespaces.put("maxItems", MAX_LIST);
                ObjectNode namespace = (ObjectNode) namespaces.get("items");
                namespace.put("maxLength", Validation.MAX_NAME);
                namespace.put("pattern", Validation.DNS1123_LABEL);
                for (String keys : List.of("matchLabelKeys", "mismatchLabelKeys")) {
                  ObjectNode list = property(t, keys);
                  list.put("maxItems", 32);
                  ((ObjectNode) list.get("items"))
                      .put("maxLength", PodOverrides.MAX_QUALIFIED_NAME);
                }
              });
    }
  }

  /** The label selectors the API server checks: keys, operators and values. */
  private static void labelSelectors(ObjectNode root) {
    for (String selector : CoreFieldRules.LABEL_SELECTORS) {
      at(root, selector + ".matchLabels{}")
          .ifPresent(
              v ->
                  v.put("maxLength", Validation.MAX_NAME).put("pattern", PodOverrides.LABEL_VALUE));
      at(root, selector + ".matchExpressions").ifPresent(l -> l.put("maxItems", 32));
      at(root, selector + ".matchExpressions[]")
          .ifPresent(
              r -> {
                required(r, "key", "operator");
                string(r, "key", PodOverrides.MAX_QUALIFIED_NAME, PodOverrides.QUALIFIED_NAME);
                enumOf(property(r, "operator"), "DoesNotExist", "Exists", "In", "NotIn");
                values(r, Validation.MAX_NAME, PodOverrides.LABEL_VALUE);
              });
    }
  }

  // --- schema edits ----------------------------------------------------------------------------

  /**
   * The schema node at {@code path} (dotted; {@code []} list items, {@code {}} map values), if the
   * kind has it.
   */
  public static Optional<ObjectNode> at(JsonNode root, String path) {
    JsonNode node = root;
    for (String segment : path.split("[.]", -1)) {
      String name = segment;
      List<String> suffixes = new ArrayList<>();
      while (name.endsWith("[]") || name.endsWith("{}")) {
        suffixes.add(0, name.substring(name.length() - 2));
        name = name.substring(0, name.length() - 2);
      }
      node = node.path("properties").path(name);
      for (String suffix : suffixes) {
        node = node.path(suffix.equals("[]") ? "items" : "additionalProperties");
      }
      if (!node.isObject()) {
        return Optional.empty();
      }
    }
    return Optional.of((ObjectNode) node);
  }

  private static ObjectNode property(ObjectNode object, String name) {
    JsonNode p = object.path("properties").path(name);
    if (!p.isObject()) {
      throw new IllegalStateException("the core type has no field " + name + ": " + object);
    }
    return (ObjectNode) p;
  }

  private static void rule(ObjectNode node, CoreFieldRules.Rule r) {
    ArrayNode rules =
        node.has("x-kubernetes-validations")
            ? (ArrayNode) node.get("x-kubernetes-validations")
            : node.putArray("x-kubernetes-validations");
    ObjectNode rule = rules.addObject();
    if (!r.fieldPath().isEmpty()) {
      rule.put("fieldPath", r.fieldPath());
    }
    rule.put("message", r.message());
    rule.put("rule", r.cel());
  }

  private static void required(ObjectNode object, String... fields) {
    ArrayNode required =
        object.has("required") ? (ArrayNode) object.get("required") : object.putArray("required");
    for (String field : fields) {
      property(object, field); // a required field must exist in the schema
      boolean present = false;
      for (JsonNode r : required) {
        present |= r.asText().equals(field);
      }
      if (!present) {
        required.add(field);
      }
    }
  }

  private static void string(ObjectNode object, String field, int maxLength, String pattern) {
    ObjectNode s = property(object, field);
    s.put("maxLength", maxLength);
    if (pattern != null) {
      s.put("pattern", pattern);
    }
  }

  private static void values(ObjectNode requirement, int maxLength, String pattern) {
    ObjectNode values = property(requirement, "values");
    values.put("maxItems", MAX_LIST);
    ObjectNode value = (ObjectNode) values.get("items");
    value.put("maxLength", maxLength);
    if (pattern != null) {
      value.put("pattern", pattern);
    }
  }

  private static void weight(ObjectNode weighted) {
    property(weighted, "weight").put("minimum", 1.0).put("maximum", 100.0);
  }

  private static void enumOf(ObjectNode node, String... values) {
    ArrayNode e = node.putArray("enum");
    for (String v : values) {
      e.add(v);
    }
  }

  /** A list whose items are identified by {@code keys}: duplicates are refused. */
  private static void listMap(ObjectNode root, String path, String... keys) {
    at(root, path)
        .ifPresent(
            list -> {
              list.put("x-kubernetes-list-type", "map");
              ArrayNode k = list.putArray("x-kubernetes-list-map-keys");
              for (String key : keys) {
                k.add(key);
              }
              required((ObjectNode) list.get("items"), keys);
            });
  }

  /** Every string, list, map and int-or-string below {@code node} without a bound gets one. */
  private static void boundAll(ObjectNode node) {
    if (node.path("x-kubernetes-int-or-string").asBoolean(false)) {
      if (!node.has("maxLength")) {
        node.put("maxLength", Quantities.MAX_LENGTH);
      }
      return; // its anyOf alternatives are the integer and the string it already bounds
    }
    String type = node.path("type").asText();
    if (type.equals("string") && !node.has("maxLength") && !node.has("enum")) {
      node.put("maxLength", MAX_STRING);
    }
    if (type.equals("array") && !node.has("maxItems")) {
      node.put("maxItems", MAX_LIST);
    }
    if (node.path("additionalProperties").isObject() && !node.has("maxProperties")) {
      node.put("maxProperties", MAX_MAP);
    }
    node.path("properties").forEach(p -> boundAll((ObjectNode) p));
    if (node.path("items").isObject()) {
      boundAll((ObjectNode) node.get("items"));
    }
    if (node.path("additionalProperties").isObject()) {
      boundAll((ObjectNode) node.get("additionalProperties"));
    }
  }

  private static String unanchored(String pattern) {
    return pattern.substring(1, pattern.length() - 1);
  }
}
