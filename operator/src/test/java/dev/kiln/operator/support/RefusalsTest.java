package dev.kiln.operator.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A 422 on a child becomes problems naming the field of the Kiln resource that caused it. */
class RefusalsTest {

  @ParameterizedTest
  @CsvSource({
    "spec.template.spec.containers[0].env[3].valueFrom, spec.env",
    "spec.template.spec.initContainers[1].envFrom[0], spec.envFrom",
    "spec.template.spec.containers[0].resources.requests, spec.resources",
    "spec.template.spec.containers[0].volumeMounts[2].mountPath, spec.pod.volumeMounts",
    "spec.template.spec.tolerations[0].operator, spec.tolerations",
    "spec.template.spec.affinity.nodeAffinity, spec.affinity",
    "spec.template.spec.volumes[0].name, spec.pod.volumes",
    "spec.template.spec.imagePullSecrets[0].name, spec.imagePullSecrets",
    "spec.template.metadata.labels, spec.pod.labels",
    "spec.template.spec.securityContext.runAsUser, spec.pod",
    "metadata.name, metadata.name",
    "spec.ports[0].port, spec",
  })
  void aChildsFieldIsTracedToTheSpecField(String childField, String specField) {
    assertThat(Refusals.specField(childField)).isEqualTo(specField);
  }

  @Test
  void everyCauseBecomesAProblemNamingBothFields() {
    Status status =
        new StatusBuilder()
            .withCode(422)
            .withReason("Invalid")
            .withMessage("Job.batch \"iris-1\" is invalid: …")
            .withNewDetails()
            .withKind("Job")
            .withName("iris-1")
            .addNewCause()
            .withField("spec.template.spec.containers[0].env[3].valueFrom")
            .withMessage("Invalid value: \"\": may not be specified when `value` is not empty")
            .endCause()
            .addNewCause()
            .withField("spec.template.spec.tolerations[0].operator")
            .withMessage("Unsupported value: \"Sometimes\"")
            .endCause()
            .endDetails()
            .build();
    KubernetesClientException e = new KubernetesClientException("invalid", 422, status);

    assertThat(Refusals.isRefusal(e)).isTrue();
    assertThat(Refusals.problems(e))
        .containsExactly(
            "spec.env: the API server refused Job iris-1:"
                + " spec.template.spec.containers[0].env[3].valueFrom: Invalid value: \"\": may not"
                + " be specified when `value` is not empty",
            "spec.tolerations: the API server refused Job iris-1:"
                + " spec.template.spec.tolerations[0].operator: Unsupported value: \"Sometimes\"");
  }

  @Test
  void aRefusalWithoutCausesStillSaysWhatWasRefused() {
    Status status =
        new StatusBuilder()
            .withCode(422)
            .withMessage("admission webhook \"policy.example.com\" denied the request")
            .withNewDetails()
            .withKind("Deployment")
            .withName("iris")
            .endDetails()
            .build();
    assertThat(Refusals.problems(new KubernetesClientException("denied", 422, status)))
        .containsExactly(
            "spec: the API server refused Deployment iris: admission webhook"
                + " \"policy.example.com\" denied the request");
  }

  @Test
  void otherErrorsAreNotRefusals() {
    assertThat(Refusals.isRefusal(new KubernetesClientException("down", 503, null))).isFalse();
    assertThat(Refusals.isRefusal(new IllegalStateException("x"))).isFalse();
  }
}
