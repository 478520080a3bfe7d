package dev.kiln.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

class UnknownFieldsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ModelSchemas models = new ModelSchemas();

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text.replace('\'', '"'));
  }

  @Test
  void aTypoInASecretIsNamed() throws Exception {
    String secret = models.add(Secret.class);
    assertThat(
            UnknownFields.of(
                json(
                    "{'apiVersion': 'v1', 'kind': 'Secret', 'metadata': {'name': 's', 'labels':"
                        + " {'a': 'b'}}, 'stringDta': {'k': 'v'}, 'type': 'Opaque'}"),
                secret,
                models.schemas()))
        .containsExactly("stringDta");
    assertThat(
            UnknownFields.of(
                json("{'metadata': {'name': 's', 'nmae': 'x'}, 'stringData': {'any-key': 'v'}}"),
                secret,
                models.schemas()))
        .as("maps take any key; metadata is checked too")
        .containsExactly("metadata.nmae");
  }

  @Test
  void nestedFieldsAreNamedWithTheirPathAndIndex() throws Exception {
    assertThat(
            UnknownFields.of(
                json(
                    "{'spec': {'containers': [{'name': 'a', 'image': 'x'}, {'name': 'b', 'imag':"
                        + " 'y', 'resources': {'limits': {'memory': '1Gi'}}}]}}"),
                models.add(Pod.class),
                models.schemas()))
        .containsExactly("spec.containers[1].imag");
    assertThat(
            UnknownFields.of(
                json(
                    "{'spec': {'replicas': 2, 'template': {'spec': {'containers': [{'name': 'c',"
                        + " 'ports': [{'containerPort': 80, 'protocol': 'TCP'}]}]}}}}"),
                models.add(Deployment.class),
                models.schemas()))
        .isEmpty();
  }
}
