package dev.kiln.testkit.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The OpenAPI v3 schema dialect of CRDs for networknt's validator (draft 4 plus the Kubernetes
 * keywords as annotations) and the messages it yields, in the API server's words.
 */
final class SchemaMessages {
  /** metadata.name of a namespaced object: a DNS-1123 subdomain. */
  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");

  private SchemaMessages() {}

  /** The API server's check of metadata.name (or generateName); the schema leaves it out. */
  static Optional<String> nameError(JsonNode metadata) {
    String name = metadata.path("name").asText("");
    if (name.isEmpty() && metadata.path("generateName").asText("").isEmpty()) {
      return Optional.of("metadata.name: Required value: name or generateName is required");
    }
    if (!name.isEmpty() && (name.length() > 253 || !DNS1123_SUBDOMAIN.matcher(name).matches())) {
      return Optional.of(
          "metadata.name: Invalid value: \""
              + name
              + "\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric"
              + " characters, '-' or '.', and must start and end with an alphanumeric character");
    }
    return Optional.empty();
  }

  static SchemaValidatorsConfig config() {
    return SchemaValidatorsConfig.builder().pathType(PathType.LEGACY).build();
  }

  static JsonSchemaFactory schemaFactory() {
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
  static String format(ValidationMessage m) {
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

  static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }
}
