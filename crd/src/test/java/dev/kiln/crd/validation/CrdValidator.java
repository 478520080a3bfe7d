package dev.kiln.crd.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Checks a custom resource offline the way the Kubernetes API server (plus {@code kubectl
 * --validate=strict}) would check it against a CustomResourceDefinition. Reusable by other modules'
 * tests through the {@code kiln-crd} test-jar.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * CrdValidator validator = CrdValidator.kiln();          // both committed Kiln CRDs
 * List<String> errors = validator.validate(yamlString);   // create
 * List<String> errors = validator.validateUpdate(oldYaml, newYaml); // update (transition rules)
 * assertThat(errors).isEmpty();
 * }</pre>
 *
 * <p>What it checks, in this order:
 *
 * <ol>
 *   <li>{@code apiVersion}/{@code kind} name a version of a loaded CRD, and {@code metadata.name}
 *       is a DNS-1123 subdomain.
 *   <li>Structural defaults ({@code default}) are applied to the object, as the API server does
 *       before validating.
 *   <li>The version's {@code openAPIV3Schema}, with networknt json-schema-validator (draft 4 plus
 *       the OpenAPI keywords {@code nullable} and {@code x-kubernetes-*} treated as annotations).
 *       Messages read {@code spec.workers: must have a minimum value of 1 (minimum)}.
 *   <li>Unknown fields, as {@code kubectl --validate=strict} reports them ({@code unknown field
 *       "spec.foo"}); {@code x-kubernetes-preserve-unknown-fields} and {@code additionalProperties}
 *       allow arbitrary keys. {@code apiVersion}, {@code kind} and {@code metadata} are always
 *       allowed at the root.
 *   <li>Every {@code x-kubernetes-validations} rule, with cel-java: {@code self} is the node's
 *       value and the rule runs only when the value is present; rules that mention {@code oldSelf}
 *       are transition rules and run only on update when the old value exists at the same path
 *       (objects and maps are correlated by key; list items are not, as with atomic lists in
 *       Kubernetes). A false rule yields {@code <path>: <message>} (the root path is empty, so a
 *       root rule yields just its message). As in Kubernetes, CEL rules are not evaluated when the
 *       schema found a type, required, enum, maxLength, maxItems or maxProperties violation; the
 *       message {@link #RULES_NOT_CHECKED} is added instead. A rule that does not compile throws
 *       {@link IllegalStateException} (a CRD bug); an evaluation error is reported as a message.
 * </ol>
 *
 * <p>Not modelled: CEL cost limits, {@code x-kubernetes-list-type} uniqueness, validation of
 * metadata beyond the name, and the API server's own formatting of messages.
 */
public final class CrdValidator {
  /** metadata.name of a namespaced object: a DNS-1123 subdomain. */
  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");

  /**
   * Schema violations after which the API server does not evaluate CEL rules
   * (apiextensions-apiserver strategy.go hasBlockingErr: TypeInvalid, Required, NotSupported,
   * TooLong, TooMany).
   */
  private static final Set<String> BLOCKING =
      Set.of("type", "required", "enum", "maxLength", "maxItems", "maxProperties");

  /** The message the API server adds when blocking schema errors kept it from running CEL rules. */
  public static final String RULES_NOT_CHECKED =
      "some validation rules were not checked because the object was invalid; correct the existing"
          + " errors to complete validation";

  private static final Pattern OLD_SELF = Pattern.compile("\\boldSelf\\b");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static final JsonSchemaFactory SCHEMA_FACTORY = schemaFactory();

  private static final CelCompiler CEL_COMPILER =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addLibraries(CelExtensions.strings())
          .addVar("self", SimpleType.DYN)
          .addVar("oldSelf", SimpleType.DYN)
          .setResultType(SimpleType.BOOL)
          .build();

  private static final CelRuntime CEL_RUNTIME =
      CelRuntimeFactory.standardCelRuntimeBuilder().addLibraries(CelExtensions.strings()).build();

  private static final Map<String, CelRuntime.Program> PROGRAMS = new ConcurrentHashMap<>();

  /** Where the committed Kiln CRDs live, relative to the repository root. */
  public static final List<String> KILN_CRDS =
      List.of("crd/trainingjobs.kiln.dev.yaml", "crd/modelservers.kiln.dev.yaml");

  /** "group/version" + "/" + kind → openAPIV3Schema. */
  private final Map<String, JsonNode> schemas = new LinkedHashMap<>();

  private final Map<String, JsonSchema> compiled = new ConcurrentHashMap<>();

  private CrdValidator() {}

  /**
   * A validator for the committed Kiln CRDs (TrainingJob, ModelServer). Finds the repository root
   * by walking up from the working directory until {@code crd/trainingjobs.kiln.dev.yaml} exists,
   * so it works from any module's tests.
   */
  public static CrdValidator kiln() {
    Path root = repositoryRoot();
    return forCrds(KILN_CRDS.stream().map(root::resolve).toList());
  }

  /**
   * The Kiln repository root: the nearest directory at or above the working directory that holds
   * {@code crd/trainingjobs.kiln.dev.yaml}.
   */
  public static Path repositoryRoot() {
    Path root = Path.of("").toAbsolutePath();
    while (root != null && !Files.exists(root.resolve(KILN_CRDS.get(0)))) {
      root = root.getParent();
    }
    if (root == null) {
      throw new IllegalStateException(
          "cannot find " + KILN_CRDS.get(0) + " above " + Path.of("").toAbsolutePath());
    }
    return root;
  }

  /** A validator for one CRD YAML file. */
  public static CrdValidator forCrd(Path crdYaml) {
    return forCrds(List.of(crdYaml));
  }

  /** A validator for several CRD YAML files (each may hold several documents). */
  public static CrdValidator forCrds(List<Path> crdYamls) {
    CrdValidator validator = new CrdValidator();
    for (Path file : crdYamls) {
      try {
        for (JsonNode crd : readAll(Files.readString(file))) {
          validator.add(crd);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read CRD " + file, e);
      }
    }
    return validator;
  }

  /** The openAPIV3Schema of a kind, e.g. {@code schemaOf("kiln.dev/v1alpha1", "TrainingJob")}. */
  public JsonNode schemaOf(String apiVersion, String kind) {
    JsonNode schema = schemas.get(apiVersion + "/" + kind);
    if (schema == null) {
      throw new IllegalArgumentException("no CRD loaded for " + apiVersion + " " + kind);
    }
    return schema;
  }

  /** True when a loaded CRD defines this apiVersion and kind (so the resource can be checked). */
  public boolean handles(String apiVersion, String kind) {
    return schemas.containsKey(apiVersion + "/" + kind);
  }

  /** Validates the creation of one resource given as YAML or JSON text. */
  public List<String> validate(String yaml) {
    return validate(readOne(yaml));
  }

  /** Validates the creation of one resource given as a map (e.g. parsed YAML). */
  public List<String> validate(Map<String, ?> resource) {
    JsonNode tree = YAML.valueToTree(resource);
    return validate(tree);
  }

  /** Validates the creation of one resource. Returns the messages a user would see; empty = ok. */
  public List<String> validate(JsonNode resource) {
    return check(resource, null);
  }

  /** Validates an update from {@code oldYaml} to {@code newYaml} (transition rules included). */
  public List<String> validateUpdate(String oldYaml, String newYaml) {
    return validateUpdate(readOne(oldYaml), readOne(newYaml));
  }

  /** Validates an update; the old object is assumed to have been valid. */
  public List<String> validateUpdate(JsonNode oldResource, JsonNode newResource) {
    return check(newResource, Objects.requireNonNull(oldResource, "oldResource"));
  }

  /** Parses every document of a multi-document YAML string (empty documents are skipped). */
  public static List<JsonNode> readAll(String yaml) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (var parser = YAML.getFactory().createParser(yaml)) {
      Iterator<JsonNode> it = YAML.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
          docs.add(doc);
        }
      }
    }
    return docs;
  }

  private static JsonNode readOne(String yaml) {
    try {
      List<JsonNode> docs = readAll(yaml);
      if (docs.size() != 1) {
        throw new IllegalArgumentException("expected one YAML document, got " + docs.size());
      }
      return docs.get(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void add(JsonNode crd) {
    if (!"CustomResourceDefinition".equals(crd.path("kind").asText())) {
      return;
    }
    String group = crd.path("spec").path("group").asText();
    String kind = crd.path("spec").path("names").path("kind").asText();
    for (JsonNode version : crd.path("spec").path("versions")) {
      JsonNode schema = version.path("schema").path("openAPIV3Schema");
      if (schema.isMissingNode()) {
        throw new IllegalArgumentException(kind + " " + version.path("name") + " has no schema");
      }
      schemas.put(group + "/" + version.path("name").asText() + "/" + kind, schema);
    }
  }

  private List<String> check(JsonNode input, JsonNode oldResource) {
    List<String> errors = new ArrayList<>();
    if (!input.isObject()) {
      return List.of("the resource must be an object");
    }
    String apiVersion = input.path("apiVersion").asText("");
    String kind = input.path("kind").asText("");
    String key = apiVersion + "/" + kind;
    JsonNode schema = schemas.get(key);
    if (schema == null) {
      return List.of(
          "no matches for kind \"" + kind + "\" in version \"" + apiVersion + "\" (no such CRD)");
    }
    String name = input.path("metadata").path("name").asText("");
    if (name.isEmpty() && input.path("metadata").path("generateName").asText("").isEmpty()) {
      errors.add("metadata.name: Required value: name or generateName is required");
    } else if (!name.isEmpty()
        && (name.length() > 253 || !DNS1123_SUBDOMAIN.matcher(name).matches())) {
      errors.add(
          "metadata.name: Invalid value: \""
              + name
              + "\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric"
              + " characters, '-' or '.', and must start and end with an alphanumeric character");
    }

    ObjectNode resource = input.deepCopy();
    applyDefaults(schema, resource);
    JsonNode old = null;
    if (oldResource != null) {
      old = oldResource.deepCopy();
      applyDefaults(schema, old);
    }

    boolean blocking = false;
    JsonSchema jsonSchema =
        compiled.computeIfAbsent(key, k -> SCHEMA_FACTORY.getSchema(schema, config()));
    for (ValidationMessage m : jsonSchema.validate(resource)) {
      errors.add(format(m));
      blocking |= BLOCKING.contains(m.getType());
    }
    walk(schema, resource, old, "", errors, !blocking, true);
    if (blocking) {
      errors.add(RULES_NOT_CHECKED);
    }
    return errors;
  }

  private static SchemaValidatorsConfig config() {
    return SchemaValidatorsConfig.builder().pathType(PathType.LEGACY).build();
  }

  private static JsonSchemaFactory schemaFactory() {
    String iri = "https://kiln.dev/schemas/kubernetes-openapi-v3";
    JsonMetaSchema meta =
        JsonMetaSchema.builder(iri, JsonMetaSchema.getV4())
            .keywords(
                List.of(
                    new NonValidationKeyword("nullable"),
                    new NonValidationKeyword("x-kubernetes-validations"),
                    new NonValidationKeyword("x-kubernetes-preserve-unknown-fields"),
                    new NonValidationKeyword("x-kubernetes-int-or-string"),
                    new NonValidationKeyword("x-kubernetes-embedded-resource"),
                    new NonValidationKeyword("x-kubernetes-list-type"),
                    new NonValidationKeyword("x-kubernetes-list-map-keys"),
                    new NonValidationKeyword("x-kubernetes-map-type")))
            .build();
    return JsonSchemaFactory.getInstance(
        SpecVersion.VersionFlag.V4, b -> b.metaSchema(meta).defaultMetaSchemaIri(iri));
  }

  /** {@code spec.dataset.source: does not match the regex pattern … (pattern)}. */
  private static String format(ValidationMessage m) {
    String path = toPath(m.getInstanceLocation().toString());
    if ("required".equals(m.getType()) && m.getProperty() != null) {
      path = join(path, m.getProperty());
      return path + ": Required value (" + m.getError() + ")";
    }
    return (path.isEmpty() ? "<root>" : path) + ": " + m.getError() + " (" + m.getType() + ")";
  }

  private static String toPath(String location) {
    if (location.equals("$")) {
      return "";
    }
    return location.startsWith("$.") ? location.substring(2) : location.replaceFirst("^\\$", "");
  }

  private static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  /**
   * Does what the API server does before validating: drops null values of fields that are not
   * {@code nullable} (so {@code env:} with nothing after it means "not set") and fills in schema
   * defaults for absent properties of present objects, recursively.
   */
  private static void applyDefaults(JsonNode schema, JsonNode value) {
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
  private static void walk(
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
        evaluate(rule, value, old, path, errors);
      }
    }
    if (value.isObject()) {
      JsonNode properties = schema.path("properties");
      JsonNode additional = schema.get("additionalProperties");
      boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
      for (Map.Entry<String, JsonNode> field : value.properties()) {
        String name = field.getKey();
        JsonNode oldChild = old != null && old.isObject() ? old.get(name) : null;
        String childPath = join(path, name);
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
      for (int i = 0; i < value.size(); i++) {
        walk(schema.get("items"), value.get(i), null, path + "[" + i + "]", errors, cel, false);
      }
    }
  }

  private static void evaluate(
      JsonNode rule, JsonNode value, JsonNode old, String path, List<String> errors) {
    String expression = rule.path("rule").asText();
    boolean transition = OLD_SELF.matcher(expression).find();
    if (transition && (old == null || old.isNull())) {
      return; // create, or no old value at this path: transition rules do not run
    }
    CelRuntime.Program program = PROGRAMS.computeIfAbsent(expression, CrdValidator::compile);
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put("self", toCel(value));
    if (transition) {
      vars.put("oldSelf", toCel(old));
    }
    String prefix = path.isEmpty() ? "" : path + ": ";
    try {
      Object result = program.eval(vars);
      if (!Boolean.TRUE.equals(result)) {
        String message = rule.path("message").asText("");
        errors.add(prefix + (message.isEmpty() ? "failed rule: " + expression : message));
      }
    } catch (CelEvaluationException e) {
      errors.add(prefix + "rule evaluation error: " + expression + ": " + e.getMessage());
    }
  }

  private static CelRuntime.Program compile(String expression) {
    try {
      return CEL_RUNTIME.createProgram(CEL_COMPILER.compile(expression).getAst());
    } catch (CelValidationException | CelEvaluationException e) {
      throw new IllegalStateException(
          "x-kubernetes-validations rule does not compile: " + expression + "\n" + e.getMessage(),
          e);
    }
  }

  /** JSON → CEL: integers as Long, numbers as Double, objects as Map, arrays as List. */
  static Object toCel(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return dev.cel.common.values.NullValue.NULL_VALUE;
    }
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.properties().forEach(e -> map.put(e.getKey(), toCel(e.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.elements().forEachRemaining(e -> list.add(toCel(e)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.asLong();
    }
    if (node.isNumber()) {
      return node.asDouble();
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    return node.asText();
  }
}
