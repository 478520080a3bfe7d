package dev.kiln.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.ListMeta;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The OpenAPI v3 documents that kubectl reads: the index {@code /openapi/v3} and one document per
 * group/version ({@code /openapi/v3/api/v1}, {@code /openapi/v3/apis/kiln.dev/v1alpha1}, …), with
 * the paths of every resource discovery lists and the schemas of its kinds: Kiln's from the CRDs
 * (with their descriptions, so {@code kubectl explain trainingjob.spec.workers} prints them), the
 * built-in kinds' derived from fabric8's model ({@link ModelSchemas}).
 *
 * <p>Each PATCH operation declares the {@code fieldValidation} query parameter, as the API server
 * does: kubectl then leaves validation to the server ({@code ?fieldValidation=Strict}) instead of
 * validating against the OpenAPI v2 document, which it reads only as protobuf and the sandbox does
 * not serve. Pure: built from discovery and the CRDs.
 */
final class OpenApiDocuments {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REF = "#/components/schemas/";
  private static final String PATCH = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";

  private final ApiDiscovery discovery;
  private final Map<String, CustomResourceDefinition> crds = new LinkedHashMap<>();
  private Map<String, String> documents;
  private String index;

  OpenApiDocuments(ApiDiscovery discovery, List<CustomResourceDefinition> crds) {
    this.discovery = discovery;
    for (CustomResourceDefinition crd : crds) {
      for (CustomResourceDefinitionVersion v : crd.getSpec().getVersions()) {
        this.crds.put(
            crd.getSpec().getGroup() + "/" + v.getName() + "/" + crd.getSpec().getNames().getKind(),
            crd);
      }
    }
  }

  /** The index: each group/version's path with the URL of its document, a hash of it included. */
  synchronized String index() {
    build();
    return index;
  }

  /** The document of {@code api/v1} or {@code apis/<group>/<version>}, if there is one. */
  synchronized Optional<String> document(String path) {
    build();
    return Optional.ofNullable(documents.get(path));
  }

  /** Builds every document once (the first kubectl command asks for them). */
  private void build() {
    if (documents != null) {
      return;
    }
    Map<String, String> built = new LinkedHashMap<>();
    ObjectNode tree = JSON.createObjectNode();
    ObjectNode paths = tree.putObject("paths");
    for (String gv : discovery.allGroupVersions()) {
      String path = ApiDiscovery.path(gv).substring(1);
      String doc = documentOf(gv).toString();
      built.put(path, doc);
      paths.putObject(path).put("serverRelativeURL", "/openapi/v3/" + path + "?hash=" + hash(doc));
    }
    documents = built;
    index = tree.toString();
  }

  private ObjectNode documentOf(String groupVersion) {
    ModelSchemas models = new ModelSchemas();
    String objectMeta = models.add(ObjectMeta.class);
    String listMeta = models.add(ListMeta.class);
    ObjectNode doc = JSON.createObjectNode();
    doc.put("openapi", "3.0.0");
    doc.putObject("info").put("title", "Kubernetes").put("version", "v1.32.0");
    ObjectNode paths = doc.putObject("paths");
    ObjectNode schemas = JSON.createObjectNode();
    String group = groupVersion.contains("/") ? groupVersion.split("/", -1)[0] : "";
    String version = groupVersion.contains("/") ? groupVersion.split("/", -1)[1] : groupVersion;
    List<APIResource> resources = discovery.resources(groupVersion).getResources();
    for (APIResource r : resources) {
      if (r.getName().contains("/")) {
        continue;
      }
      String kind = r.getKind();
      String schema;
      CustomResourceDefinition crd = crds.get(group + "/" + version + "/" + kind);
      if (crd != null) {
        schema = crdName(group, version, kind);
        schemas.set(schema, crdSchema(crd, version, objectMeta));
      } else {
        Optional<Class<?>> model = ModelSchemas.modelClass(groupVersion, kind);
        if (model.isEmpty()) {
          continue;
        }
        schema = models.add(model.get());
      }
      ObjectNode kindSchema =
          crd != null ? (ObjectNode) schemas.get(schema) : models.schemas().get(schema);
      kindSchema.set("x-kubernetes-group-version-kind", gvk(group, version, kind));
      ObjectNode list = listSchema(schema, listMeta);
      list.set("x-kubernetes-group-version-kind", gvk(group, version, kind + "List"));
      schemas.set(schema + "List", list);

      ObjectNode id = gvkObject(group, version, kind);
      String base =
          ApiDiscovery.path(groupVersion)
              + (Boolean.TRUE.equals(r.getNamespaced()) ? "/namespaces/{namespace}/" : "/")
              + r.getName();
      ObjectNode collection = paths.putObject(base);
      collection.set("get", operation("list", id, schema + "List", false));
      collection.set("post", operation("post", id, schema, true));
      collection.set(
          "delete",
          operation("deletecollection", id, "io.k8s.apimachinery.pkg.apis.meta.v1.Status", false));
      collection.set("parameters", pathParameters(r, false));
      ObjectNode item = paths.putObject(base + "/{name}");
      item.set("get", operation("get", id, schema, false));
      item.set("put", operation("put", id, schema, true));
      item.set("patch", patch(id, schema));
      item.set(
          "delete", operation("delete", id, "io.k8s.apimachinery.pkg.apis.meta.v1.Status", false));
      item.set("parameters", pathParameters(r, true));
      boolean status =
          resources.stream().anyMatch(s -> s.getName().equals(r.getName() + "/status"));
      if (status) {
        ObjectNode sub = paths.putObject(base + "/{name}/status");
        sub.set("get", operation("get", id, schema, false));
        sub.set("put", operation("put", id, schema, true));
        sub.set("patch", patch(id, schema));
        sub.set("parameters", pathParameters(r, true));
      }
    }
    models.schemas().forEach(schemas::set);
    schemas
        .putObject(PATCH)
        .put("type", "object")
        .put(
            "description",
            "Patch is provided to give a concrete name and type to the Kubernetes PATCH request"
                + " body.");
    schemas.putObject("io.k8s.apimachinery.pkg.apis.meta.v1.Status").put("type", "object");
    doc.putObject("components").set("schemas", schemas);
    return doc;
  }

  /** The API server's name of a custom resource's schema: the group reversed, e.g. dev.kiln. */
  static String crdName(String group, String version, String kind) {
    List<String> parts = new ArrayList<>(List.of(group.split("\\.", -1)));
    Collections.reverse(parts);
    return String.join(".", parts) + "." + version + "." + kind;
  }

  /** The CRD's schema as the API server publishes it: with apiVersion, kind and metadata. */
  private static ObjectNode crdSchema(
      CustomResourceDefinition crd, String version, String objectMeta) {
    CustomResourceDefinitionVersion v =
        crd.getSpec().getVersions().stream()
            .filter(x -> x.getName().equals(version))
            .findFirst()
            .orElseThrow();
    ObjectNode schema =
        v.getSchema() == null || v.getSchema().getOpenAPIV3Schema() == null
            ? JSON.createObjectNode().put("type", "object")
            : (ObjectNode) JSON.valueToTree(v.getSchema().getOpenAPIV3Schema());
    ObjectNode properties =
        schema.has("properties")
            ? (ObjectNode) schema.get("properties")
            : schema.putObject("properties");
    ObjectNode ordered = JSON.createObjectNode();
    ordered
        .putObject("apiVersion")
        .put("type", "string")
        .put(
            "description",
            "APIVersion defines the versioned schema of this representation of an object."
                + " Servers should convert recognized schemas to the latest internal value, and"
                + " may reject unrecognized values.");
    ordered
        .putObject("kind")
        .put("type", "string")
        .put(
            "description",
            "Kind is a string value representing the REST resource this object represents."
                + " Servers may infer this from the endpoint the client submits requests to."
                + " Cannot be updated. In CamelCase.");
    ordered
        .putObject("metadata")
        .put("$ref", REF + objectMeta)
        .put("description", "Standard object's metadata.");
    properties.properties().forEach(e -> ordered.set(e.getKey(), e.getValue()));
    schema.set("properties", ordered);
    schema.put("type", "object");
    return schema;
  }

  private static ObjectNode listSchema(String item, String listMeta) {
    ObjectNode list = JSON.createObjectNode();
    list.put("type", "object");
    ObjectNode p = list.putObject("properties");
    p.putObject("apiVersion").put("type", "string");
    p.putObject("items").put("type", "array").putObject("items").put("$ref", REF + item);
    p.putObject("kind").put("type", "string");
    p.putObject("metadata").put("$ref", REF + listMeta);
    list.putArray("required").add("items");
    return list;
  }

  private static ArrayNode gvk(String group, String version, String kind) {
    ArrayNode list = JSON.createArrayNode();
    list.add(gvkObject(group, version, kind));
    return list;
  }

  private static ObjectNode gvkObject(String group, String version, String kind) {
    return JSON.createObjectNode().put("group", group).put("kind", kind).put("version", version);
  }

  private static ObjectNode operation(String action, ObjectNode gvk, String schema, boolean body) {
    ObjectNode op = JSON.createObjectNode();
    op.put("x-kubernetes-action", action);
    op.set("x-kubernetes-group-version-kind", gvk.deepCopy());
    ArrayNode parameters = op.putArray("parameters");
    if (body) {
      parameters.add(query("dryRun", "string"));
      parameters.add(query("fieldManager", "string"));
      parameters.add(query("fieldValidation", "string"));
      op.putObject("requestBody")
          .put("required", true)
          .putObject("content")
          .putObject("application/json")
          .putObject("schema")
          .put("$ref", REF + schema);
    }
    op.putObject("responses")
        .putObject("200")
        .put("description", "OK")
        .putObject("content")
        .putObject("application/json")
        .putObject("schema")
        .put("$ref", REF + schema);
    return op;
  }

  /** PATCH, with the patch types the sandbox applies (no strategic merge, no apply). */
  private static ObjectNode patch(ObjectNode gvk, String schema) {
    ObjectNode op = operation("patch", gvk, schema, false);
    ArrayNode parameters = (ArrayNode) op.get("parameters");
    parameters.add(query("dryRun", "string"));
    parameters.add(query("fieldManager", "string"));
    parameters.add(
        query("fieldValidation", "string")
            .put(
                "description",
                "fieldValidation instructs the server on how to handle objects in the request"
                    + " containing unknown or duplicate fields: Ignore, Warn or Strict."));
    parameters.add(query("force", "boolean"));
    ObjectNode content = op.putObject("requestBody").put("required", true).putObject("content");
    for (String type : List.of("application/json-patch+json", "application/merge-patch+json")) {
      content.putObject(type).putObject("schema").put("$ref", REF + PATCH);
    }
    return op;
  }

  private static ObjectNode query(String name, String type) {
    ObjectNode p = JSON.createObjectNode();
    p.put("name", name).put("in", "query");
    p.putObject("schema").put("type", type).put("uniqueItems", true);
    return p;
  }

  private static ArrayNode pathParameters(APIResource r, boolean named) {
    ArrayNode parameters = JSON.createArrayNode();
    if (named) {
      ObjectNode name =
          parameters.addObject().put("name", "name").put("in", "path").put("required", true);
      name.put("description", "name of the " + r.getKind());
      name.putObject("schema").put("type", "string").put("uniqueItems", true);
    }
    if (Boolean.TRUE.equals(r.getNamespaced())) {
      ObjectNode ns =
          parameters.addObject().put("name", "namespace").put("in", "path").put("required", true);
      ns.put("description", "object name and auth scope, such as for teams and projects");
      ns.putObject("schema").put("type", "string").put("uniqueItems", true);
    }
    return parameters;
  }

  private static String hash(String doc) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(doc.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().withUpperCase().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
