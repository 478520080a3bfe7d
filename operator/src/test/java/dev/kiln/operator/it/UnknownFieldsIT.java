package dev.kiln.operator.it;

import static dev.kiln.operator.it.KilnTestCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.operator.KilnOperator;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Version skew: objects written under a newer CRD carry fields this operator's types do not know,
 * in spec and in status. The operator must keep reconciling them and every other run, and must not
 * drop those fields when it writes status.
 */
class UnknownFieldsIT {
  static {
    org.awaitility.Awaitility.ignoreExceptionsByDefault();
  }

  private static final ResourceDefinitionContext TRAINING_JOBS =
      new ResourceDefinitionContext.Builder()
          .withGroup(TrainingJob.GROUP)
          .withVersion(TrainingJob.VERSION)
          .withPlural("trainingjobs")
          .withKind("TrainingJob")
          .withNamespaced(true)
          .build();

  private final KilnTestCluster cluster = new KilnTestCluster();
  private KilnOperator operator;

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.close();
    }
    cluster.close();
  }

  @Test
  void unknownFieldsInSpecAndStatusStopNothingAndSurviveStatusWrites() throws Exception {
    // Present before the operator starts (a restart), and one created while it runs.
    oddTrainingJob("before");
    anotherToolWritesStatus("before");
    operator = cluster.startOperator(Map.of());
    oddTrainingJob("during");
    cluster.client().resource(TrainingJobs.basic("plain")).create();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(cluster.jobs())
                  .extracting(j -> j.getMetadata().getName())
                  .contains("plain-1", "before-1", "during-1");
              assertThat(cluster.phase("plain")).isEqualTo(TrainingJobPhase.Pending);
              assertThat(cluster.phase("before")).isEqualTo(TrainingJobPhase.Pending);
              assertThat(cluster.phase("during")).isEqualTo(TrainingJobPhase.Pending);
            });
    // Another tool adds a status field after the operator wrote; the next write keeps it.
    anotherToolWritesStatus("during");
    cluster.jobActive("during-1");
    cluster.pod("during", "during-1-abcde", KilnTestCluster.running());
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(cluster.phase("during")).isEqualTo(TrainingJobPhase.Running));
    for (String name : new String[] {"before", "during"}) {
      Map<String, Object> raw = raw(name);
      assertThat(spec(raw)).as(name).containsEntry("gpuSharing", "time-sliced");
      assertThat(status(raw)).as(name).containsEntry("extra", Map.of("by", "another-tool"));
      assertThat(((Map<?, ?>) status(raw).get("progress")).get("gpuUtilization"))
          .as(name + " status.progress.gpuUtilization")
          .isEqualTo("87%");
    }
    // The Accepted condition existed when the tool wrote "during"'s status; Kiln rewrote the
    // conditions since (Running), and the field stays with its condition.
    List<?> conditions = (List<?>) status(raw("during")).get("conditions");
    assertThat(conditions)
        .anySatisfy(
            c -> {
              assertThat(((Map<?, ?>) c).get("type")).isEqualTo("Accepted");
              assertThat(((Map<?, ?>) c).get("severity")).isEqualTo("Info");
            });
    assertThat(get("/healthz")).isEqualTo(200);
    assertThat(get("/readyz")).isEqualTo(200);
  }

  @Test
  void healthzFailsWhenStartUpFailed() throws Exception {
    // The operator may not list TrainingJobs (its RBAC is missing): the informer cannot sync and
    // JOSDK's start-up fails. The process must then not claim to be alive. (An object it cannot
    // read no longer fails start-up: UnreadableObjectsIT.)
    cluster
        .server()
        .expect()
        .get()
        .withPath("/apis/kiln.dev/v1alpha1/trainingjobs?resourceVersion=0")
        .andReturn(
            403,
            new StatusBuilder()
                .withStatus("Failure")
                .withCode(403)
                .withReason("Forbidden")
                .withMessage(
                    "trainingjobs.kiln.dev is forbidden: User \"system:serviceaccount:kiln:kiln\""
                        + " cannot list resource \"trainingjobs\" in API group \"kiln.dev\" at the"
                        + " cluster scope")
                .build())
        .always();

    operator = cluster.startOperator(Map.of());

    assertThat(get("/healthz")).isEqualTo(503);
    assertThat(get("/readyz")).isEqualTo(503);
  }

  private void oddTrainingJob(String name) {
    GenericKubernetesResource tj =
        Serialization.unmarshal(
            Serialization.asJson(TrainingJobs.basic(name)), GenericKubernetesResource.class);
    tj.setAdditionalProperty(
        "spec",
        Map.of(
            "image", "ghcr.io/kiln-dev/kiln-trainer:0.1.0",
            "gpuSharing", "time-sliced",
            "dataset", Map.of("source", "pvc://data/iris.csv", "shards", 4)));
    var resource = cluster.client().genericKubernetesResources(TRAINING_JOBS).inNamespace(NS);
    resource.resource(tj).create();
  }

  /** Another tool adds a status field, beside whatever the operator may have written already. */
  private void anotherToolWritesStatus(String name) {
    cluster
        .client()
        .genericKubernetesResources(TRAINING_JOBS)
        .inNamespace(NS)
        .withName(name)
        .editStatus(
            r -> {
              Map<String, Object> status = new HashMap<>();
              if (r.getAdditionalProperties().get("status") instanceof Map<?, ?> written) {
                written.forEach((k, v) -> status.put(String.valueOf(k), v));
              }
              status.put("extra", Map.of("by", "another-tool"));
              // Nested: a field in an object Kiln rebuilds (progress) and in its conditions.
              Map<String, Object> progress = new HashMap<>();
              if (status.get("progress") instanceof Map<?, ?> p) {
                p.forEach((k, v) -> progress.put(String.valueOf(k), v));
              }
              progress.put("gpuUtilization", "87%");
              status.put("progress", progress);
              if (status.get("conditions") instanceof List<?> conditions) {
                status.put(
                    "conditions",
                    conditions.stream()
                        .map(
                            c -> {
                              Map<String, Object> copy = new HashMap<>();
                              ((Map<?, ?>) c).forEach((k, v) -> copy.put(String.valueOf(k), v));
                              copy.put("severity", "Info");
                              return copy;
                            })
                        .toList());
              }
              r.setAdditionalProperty("status", status);
              return r;
            });
  }

  private Map<String, Object> raw(String name) {
    return cluster
        .client()
        .genericKubernetesResources(TRAINING_JOBS)
        .inNamespace(NS)
        .withName(name)
        .get()
        .getAdditionalProperties();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(Map<String, Object> raw) {
    return (Map<String, Object>) raw.get("spec");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> status(Map<String, Object> raw) {
    return (Map<String, Object>) raw.get("status");
  }

  private int get(String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + operator.httpPort() + path))
            .build();
    return HttpClient.newHttpClient()
        .send(request, HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
