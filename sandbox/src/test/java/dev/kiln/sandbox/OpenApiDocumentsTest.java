package dev.kiln.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.testkit.crd.CrdValidator;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenApiDocumentsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<CustomResourceDefinition> CRDS = crds();
  private static final ApiDiscovery DISCOVERY = new ApiDiscovery(CRDS);
  private static final OpenApiDocuments DOCS = new OpenApiDocuments(DISCOVERY, CRDS);

  private static List<CustomResourceDefinition> crds() {
    List<CustomResourceDefinition> out = new ArrayList<>();
    for (String file : CrdValidator.KILN_CRDS) {
      try (InputStream in = Files.newInputStream(SandboxOptionsTest.ROOT.resolve(file))) {
        out.add(Serialization.unmarshal(in, CustomResourceDefinition.class));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  private static JsonNode document(String path) throws IOException {
    return JSON.readTree(DOCS.document(path).orElseThrow());
  }

  /** The schema of a kind, found as kubectl explain finds it: by its group-version-kind. */
  private static JsonNode schemaOf(JsonNode doc, String group, String version, String kind) {
    for (JsonNode schema : doc.path("components").path("schemas")) {
      for (JsonNode gvk : schema.path("x-kubernetes-group-version-kind")) {
        if (gvk.path("group").asText().equals(group)
            && gvk.path("version").asText().equals(version)
            && gvk.path("kind").asText().equals(kind)) {
          return schema;
        }
      }
    }
    throw new AssertionError("no schema for " + group + "/" + version + " " + kind);
  }

  private static JsonNode resolve(JsonNode doc, JsonNode schema) {
    String ref = schema.path("$ref").asText("");
    return ref.isEmpty()
        ? schema
        : doc.path("components").path("schemas").path(ref.substring(ref.lastIndexOf('/') + 1));
  }

  @Test
  void theIndexListsEveryGroupVersionWithAUrlThatChangesWithTheDocument() throws IOException {
    JsonNode paths = JSON.readTree(DOCS.index()).path("paths");
    List<String> names = new ArrayList<>();
    paths.properties().forEach(e -> names.add(e.getKey()));
    assertThat(names).contains("api/v1", "apis/apps/v1", "apis/batch/v1", "apis/kiln.dev/v1alpha1");
    assertThat(paths.path("apis/kiln.dev/v1alpha1").path("serverRelativeURL").asText())
        .matches("/openapi/v3/apis/kiln\\.dev/v1alpha1\\?hash=[0-9A-F]{64}");
    assertThat(DOCS.document("apis/unknown/v1")).isEmpty();
  }

  @Test
  void explainFindsTheTrainingJobsFieldsWithTheCrdsDescriptions() throws IOException {
    JsonNode doc = document("apis/kiln.dev/v1alpha1");
    JsonNode tj = schemaOf(doc, "kiln.dev", "v1alpha1", "TrainingJob");
    JsonNode workers = tj.path("properties").path("spec").path("properties").path("workers");
    assertThat(workers.path("type").asText()).isEqualTo("integer");
    assertThat(workers.path("description").asText()).startsWith("Number of worker pods.");
    assertThat(resolve(doc, tj.path("properties").path("metadata")).path("properties").has("name"))
        .as("metadata is ObjectMeta, as the API server publishes it")
        .isTrue();
    assertThat(tj.path("properties").has("apiVersion")).isTrue();
    // kubectl explain looks the kind up through its resource's path, whose operations (the list
    // too, as on the API server) name the kind.
    assertThat(
            doc.path("paths")
                .path("/apis/kiln.dev/v1alpha1/namespaces/{namespace}/trainingjobs")
                .path("get")
                .path("x-kubernetes-group-version-kind")
                .path("kind")
                .asText())
        .isEqualTo("TrainingJob");
  }

  @Test
  void everyPatchDeclaresFieldValidationSoKubectlValidatesOnTheServer() throws IOException {
    for (String gv : DISCOVERY.allGroupVersions()) {
      JsonNode doc = document(ApiDiscovery.path(gv).substring(1));
      for (var resource : DISCOVERY.resources(gv).getResources()) {
        if (resource.getName().contains("/")) {
          continue;
        }
        String base =
            ApiDiscovery.path(gv)
                + (Boolean.TRUE.equals(resource.getNamespaced()) ? "/namespaces/{namespace}/" : "/")
                + resource.getName()
                + "/{name}";
        JsonNode patch = doc.path("paths").path(base).path("patch");
        assertThat(patch.path("x-kubernetes-group-version-kind").path("kind").asText())
            .as("PATCH of %s", base)
            .isEqualTo(resource.getKind());
        assertThat(patch.path("parameters").findValuesAsText("name"))
            .as("parameters of PATCH %s", base)
            .contains("fieldValidation");
        assertThat(patch.path("requestBody").path("content").has("application/merge-patch+json"))
            .isTrue();
        assertThat(
                patch
                    .path("requestBody")
                    .path("content")
                    .has("application/strategic-merge-patch+json"))
            .as("the sandbox cannot apply strategic merge patches, so it does not offer them")
            .isFalse();
      }
    }
  }

  @Test
  void builtInKindsHaveSchemasFromFabric8sModel() throws IOException {
    JsonNode doc = document("api/v1");
    JsonNode pod = schemaOf(doc, "", "v1", "Pod");
    JsonNode spec = resolve(doc, pod.path("properties").path("spec"));
    JsonNode containers = spec.path("properties").path("containers");
    assertThat(containers.path("type").asText()).isEqualTo("array");
    JsonNode container = resolve(doc, containers.path("items"));
    assertThat(container.path("properties").path("image").path("type").asText())
        .isEqualTo("string");
    assertThat(pod.path("properties").path("metadata").path("$ref").asText())
        .endsWith("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
    JsonNode limits =
        resolve(doc, container.path("properties").path("resources"))
            .path("properties")
            .path("limits");
    assertThat(limits.path("additionalProperties").path("$ref").asText())
        .endsWith("io.k8s.apimachinery.pkg.api.resource.Quantity");
    JsonNode deployment = schemaOf(document("apis/apps/v1"), "apps", "v1", "Deployment");
    assertThat(deployment.path("properties").has("spec")).isTrue();
  }
}
