package dev.kiln.testkit.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.ValidationMessage;
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

/**
 * Checks a custom resource offline the way the Kubernetes API server (plus {@code kubectl
 * --validate=strict}) would check it against a CustomResourceDefinition. Used by the crd and chart
 * tests and, at run time, by the sandbox's API server.
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
 *       allowed at the root (the schema may bound {@code metadata.name}, which step 3 checks).
 *   <li>{@code x-kubernetes-list-type: map} and {@code set}: a repeated key or item is reported at
 *       its index ({@code spec.env[1]: Duplicate value: {"name":"A"}}).
 *   <li>Every {@code x-kubernetes-validations} rule, with cel-java: {@code self} is the node's
 *       value and the rule runs only when the value is present; rules that mention {@code oldSelf}
 *       are transition rules and run only on update when the old value exists at the same path
 *       (objects and maps are correlated by key; list items are not, as with atomic lists in
 *       Kubernetes). Besides the standard library and the strings extension, Kubernetes' quantity
 *       library is available ({@link QuantityLibrary}). A false rule yields {@code <path>:
 *       <message>}, or {@code <path><fieldPath>: <message>} when the rule names a field (the root
 *       path is empty, so a root rule yields just its message). As in Kubernetes, CEL rules are not
 *       evaluated when the schema found a type, required, enum, maxLength, maxItems or
 *       maxProperties violation; the message {@link #RULES_NOT_CHECKED} is added instead. A rule
 *       that does not compile throws {@link IllegalStateException} (a CRD bug); an evaluation error
 *       is reported as a message.
 * </ol>
 *
 * <p>Not modelled: CEL cost limits, Kubernetes' CEL libraries other than quantity (lists, regex,
 * URLs, IP, …), validation of metadata beyond the name, ratcheting, and the API server's own
 * formatting of messages.
 */
public final class CrdValidator {
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

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static final JsonSchemaFactory SCHEMA_FACTORY = SchemaMessages.schemaFactory();

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
    SchemaMessages.nameError(input.path("metadata")).ifPresent(errors::add);

    ObjectNode resource = input.deepCopy();
    SchemaWalk.applyDefaults(schema, resource);
    JsonNode old = null;
    if (oldResource != null) {
      old = oldResource.deepCopy();
      SchemaWalk.applyDefaults(schema, old);
    }

    boolean blocking = false;
    JsonSchema jsonSchema =
        compiled.computeIfAbsent(
            key, k -> SCHEMA_FACTORY.getSchema(schema, SchemaMessages.config()));
    for (ValidationMessage m : jsonSchema.validate(resource)) {
      errors.add(SchemaMessages.format(m));
      blocking |= BLOCKING.contains(m.getType());
    }
    SchemaWalk.walk(schema, resource, old, "", errors, !blocking, true);
    if (blocking) {
      errors.add(RULES_NOT_CHECKED);
    }
    return errors;
  }
}
