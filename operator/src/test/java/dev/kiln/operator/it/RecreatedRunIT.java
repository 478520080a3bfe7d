package dev.kiln.operator.it;

import static dev.kiln.operator.it.KilnTestCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobConditions;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.operator.KilnOperator;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A TrainingJob deleted and created again while the garbage collector has not yet removed the first
 * one's children (the mock API server has no garbage collector: the test plays it). The new run
 * neither adopts the old Job, claim or workers Service nor mounts the old report token.
 */
class RecreatedRunIT {
  static {
    org.awaitility.Awaitility.ignoreExceptionsByDefault();
  }

  private KilnTestCluster cluster;
  private KilnOperator operator;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    cluster = new KilnTestCluster();
    operator = cluster.startOperator(Map.of());
    client = cluster.client();
  }

  @AfterEach
  void stop() {
    operator.close();
    cluster.close();
  }

  @Test
  void aRecreatedRunWaitsForTheEarlierRunsObjectsAndGetsItsOwnToken() throws Exception {
    TrainingJob first = client.resource(twoWorkers()).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> job() != null);
    String oldToken = cluster.reportToken("iris");
    client.resource(first).withTimeout(10, java.util.concurrent.TimeUnit.SECONDS).delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> cluster.get("iris") == null);

    TrainingJob second = client.resource(twoWorkers()).create();
    String newUid = second.getMetadata().getUid();
    assertThat(newUid).isNotEqualTo(first.getMetadata().getUid());

    // The earlier run's Job is still there: the run waits, naming it, and creates nothing.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(running()).contains("Job iris-1", "earlier TrainingJob"));
    assertThat(cluster.phase("iris")).isEqualTo(TrainingJobPhase.Pending);
    assertThat(ownerUid(job())).isEqualTo(first.getMetadata().getUid());

    // The collector removes the Job first, then the claim: the run waits for each in turn.
    client.resource(job()).delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(running()).contains("PersistentVolumeClaim iris-workspace"));
    assertThat(job()).isNull();
    client.persistentVolumeClaims().inNamespace(NS).withName("iris-workspace").delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(running()).contains("Service iris-workers"));
    client.services().inNamespace(NS).withName("iris-workers").delete();

    // The old token Secret is still there (collected last): the new run does not mount it.
    await().atMost(Duration.ofSeconds(30)).until(() -> job() != null);
    for (HasMetadata child :
        new HasMetadata[] {
          job(),
          client.persistentVolumeClaims().inNamespace(NS).withName("iris-workspace").get(),
          client.services().inNamespace(NS).withName("iris-workers").get()
        }) {
      assertThat(ownerUid(child)).as(child.getKind()).isEqualTo(newUid);
    }
    String newToken = cluster.reportToken("iris");
    assertThat(newToken).isNotEqualTo(oldToken);

    cluster.jobActive("iris-1");
    cluster.pod("iris", "iris-1-0-abcde", KilnTestCluster.running());
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> cluster.phase("iris") == TrainingJobPhase.Running);
    assertThat(report(newToken).statusCode()).isEqualTo(202);
    assertThat(report(oldToken).statusCode()).isEqualTo(403);
  }

  private static TrainingJob twoWorkers() {
    TrainingJob tj = TrainingJobs.basic("iris");
    tj.getSpec().setWorkers(2);
    return tj;
  }

  private Job job() {
    return client.batch().v1().jobs().inNamespace(NS).withName("iris-1").get();
  }

  /** The Running condition's reason and message, while the run is Pending. */
  private String running() {
    Condition c =
        cluster.get("iris").getStatus().getConditions().stream()
            .filter(x -> x.getType().equals(TrainingJobConditions.RUNNING))
            .findFirst()
            .orElseThrow();
    return c.getReason() + ": " + c.getMessage();
  }

  private static String ownerUid(HasMetadata o) {
    return o.getMetadata().getOwnerReferences().get(0).getUid();
  }

  private HttpResponse<String> report(String token) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + operator.reportPort()
                            + "/v1/namespaces/"
                            + NS
                            + "/trainingjobs/iris/report"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"epoch\":1,\"totalEpochs\":5}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
