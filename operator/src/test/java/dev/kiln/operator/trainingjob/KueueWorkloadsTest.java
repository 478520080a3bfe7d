package dev.kiln.operator.trainingjob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.junit.jupiter.api.Test;

/**
 * Finding and setting spec.active on a Job's Kueue Workload across Kueue versions: v1beta2 since
 * Kueue 0.15, v1beta1 before it, neither without Kueue. The mock answers exactly the requests a
 * real API server would get, so the test also counts them.
 */
@EnableKubernetesMockClient
class KueueWorkloadsTest {
  private static final String SELECTOR = "?labelSelector=kueue.x-k8s.io%2Fjob-uid%3Djob-uid-1";
  private static final String V1BETA2 = "/apis/kueue.x-k8s.io/v1beta2/namespaces/team-a/workloads";
  private static final String V1BETA1 = "/apis/kueue.x-k8s.io/v1beta1/namespaces/team-a/workloads";
  private static final String NAME = "job-iris-1-3f2a9";

  KubernetesMockServer server;
  KubernetesClient client;

  private static Job job() {
    return new JobBuilder()
        .withNewMetadata()
        .withName("iris-1")
        .withNamespace("team-a")
        .withUid("job-uid-1")
        .endMetadata()
        .build();
  }

  private static String list(String version, String spec) {
    return "{\"apiVersion\":\"kueue.x-k8s.io/"
        + version
        + "\",\"kind\":\"WorkloadList\",\"metadata\":{},\"items\":[{\"apiVersion\":"
        + "\"kueue.x-k8s.io/"
        + version
        + "\",\"kind\":\"Workload\",\"metadata\":{\"name\":\""
        + NAME
        + "\",\"namespace\":\"team-a\"},\"spec\":"
        + spec
        + "}]}";
  }

  private static final String NOT_FOUND =
      "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\","
          + "\"code\":404}";

  @Test
  void withKueue015OrLaterTheV1beta2WorkloadIsDeactivated() throws Exception {
    server.expect().get().withPath(V1BETA2 + SELECTOR).andReturn(200, list("v1beta2", "{}")).once();
    server.expect().patch().withPath(V1BETA2 + "/" + NAME).andReturn(200, "{}").once();

    KueueWorkloads.setActive(client, job(), false);

    assertThat(server.getRequestCount()).isEqualTo(2);
    RecordedRequest patch = server.getLastRequest();
    assertThat(patch.getMethod()).isEqualTo("PATCH");
    assertThat(patch.getHeader("Content-Type")).startsWith("application/merge-patch+json");
    assertThat(patch.getUtf8Body()).isEqualTo("{\"spec\":{\"active\":false}}");
  }

  @Test
  void beforeKueue015TheV1beta1WorkloadIsUsed() throws Exception {
    server.expect().get().withPath(V1BETA2 + SELECTOR).andReturn(404, NOT_FOUND).once();
    server
        .expect()
        .get()
        .withPath(V1BETA1 + SELECTOR)
        .andReturn(200, list("v1beta1", "{\"active\":false}"))
        .once();
    server.expect().patch().withPath(V1BETA1 + "/" + NAME).andReturn(200, "{}").once();

    KueueWorkloads.setActive(client, job(), true);

    assertThat(server.getRequestCount()).isEqualTo(3);
    assertThat(server.getLastRequest().getPath()).isEqualTo(V1BETA1 + "/" + NAME);
    assertThat(server.getLastRequest().getUtf8Body()).isEqualTo("{\"spec\":{\"active\":true}}");
  }

  @Test
  void aWorkloadAlreadyInTheWantedStateIsNotWritten() {
    server
        .expect()
        .get()
        .withPath(V1BETA2 + SELECTOR)
        .andReturn(200, list("v1beta2", "{\"active\":false}"))
        .once();

    KueueWorkloads.setActive(client, job(), false);

    assertThat(server.getRequestCount()).as("the list only").isEqualTo(1);
  }

  @Test
  void withoutKueueThereIsNothingToHoldAndNoError() {
    server.expect().get().withPath(V1BETA2 + SELECTOR).andReturn(404, NOT_FOUND).once();
    server.expect().get().withPath(V1BETA1 + SELECTOR).andReturn(404, NOT_FOUND).once();

    assertThatCode(() -> KueueWorkloads.setActive(client, job(), false)).doesNotThrowAnyException();
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void aJobJustCreatedHasNoWorkloadYetAndCostsNoRequest() {
    Job created = job();
    created.getMetadata().setUid(null);

    KueueWorkloads.setActive(client, created, true);

    assertThat(server.getRequestCount()).isZero();
  }
}
