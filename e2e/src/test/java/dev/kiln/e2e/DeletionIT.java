package dev.kiln.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.api.v1alpha1.ModelServerPhase;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import java.io.IOException;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Deleting a resource takes what Kiln made for it, and keeps what the user asked to keep. */
class DeletionIT {
  private static E2eCluster cluster;

  @BeforeAll
  static void start() {
    cluster = E2eCluster.start(DeletionIT.class);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void deletingATrainingJobDeletesItsJobPodsAndWorkspaceButARetainedWorkspaceStays() {
    String ns = cluster.namespace("delete-trainingjob");
    for (String name : new String[] {"scratch", "keeper"}) {
      cluster.apply(
          ns,
          """
          apiVersion: kiln.dev/v1alpha1
          kind: TrainingJob
          metadata:
            name: %s
          spec:
            image: ghcr.io/kiln-dev/kiln-trainer:0.1.0
            hyperparameters: {epochs: "5"}
            workspace: {size: 1Gi, retainPolicy: %s}
          """
              .formatted(name, name.equals("keeper") ? "Retain" : "Delete"));
    }
    for (String name : new String[] {"scratch", "keeper"}) {
      cluster.awaitTrainingJob(
          ns,
          name,
          t -> assertThat(t.getStatus().getPhase()).isEqualTo(TrainingJobPhase.Succeeded));
      assertThat(cluster.pods(ns, "kiln.dev/trainingjob", name)).isNotEmpty();
    }

    var client = cluster.client();
    String uid = cluster.trainingJob(ns, "scratch").getMetadata().getUid();
    client.resource(cluster.trainingJob(ns, "scratch")).delete();
    client.resource(cluster.trainingJob(ns, "keeper")).delete();

    await()
        .atMost(E2eCluster.PATIENCE)
        .untilAsserted(
            () -> {
              assertThat(client.batch().v1().jobs().inNamespace(ns).list().getItems()).isEmpty();
              assertThat(client.pods().inNamespace(ns).list().getItems()).isEmpty();
              assertThat(
                      client
                          .secrets()
                          .inNamespace(ns)
                          .withName("scratch-report-token-" + uid)
                          .get())
                  .isNull();
              assertThat(client.configMaps().inNamespace(ns).withName("scratch-run-" + uid).get())
                  .isNull();
              assertThat(
                      client
                          .persistentVolumeClaims()
                          .inNamespace(ns)
                          .withName("scratch-workspace")
                          .get())
                  .isNull();
            });
    assertThat(client.persistentVolumeClaims().inNamespace(ns).withName("keeper-workspace").get())
        .as("retainPolicy: Retain keeps the trained model")
        .isNotNull();
  }

  @Test
  void deletingAModelServerStopsItsServerAndRemovesItsService() throws Exception {
    String ns = cluster.namespace("delete-modelserver");
    cluster.applyFile(ns, E2eCluster.ROOT.resolve("examples/quickstart.yaml"));
    var ms =
        cluster.awaitModelServer(
            ns,
            "iris-quickstart",
            m -> assertThat(m.getStatus().getPhase()).isEqualTo(ModelServerPhase.Ready));
    URI ready = cluster.reach(URI.create(ms.getStatus().getUrl())).resolve("/v2/health/ready");
    assertThat(Inference.status(ready)).isEqualTo(200);

    var client = cluster.client();
    client.resource(ms).delete();

    await()
        .atMost(E2eCluster.PATIENCE)
        .untilAsserted(
            () -> {
              assertThat(client.apps().deployments().inNamespace(ns).list().getItems()).isEmpty();
              assertThat(client.services().inNamespace(ns).list().getItems()).isEmpty();
              assertThat(cluster.pods(ns, "kiln.dev/modelserver", "iris-quickstart")).isEmpty();
              assertThat(client.network().v1().networkPolicies().inNamespace(ns).list().getItems())
                  .isEmpty();
            });
    await()
        .atMost(E2eCluster.PATIENCE)
        .untilAsserted(
            () -> {
              boolean answers;
              try {
                answers = Inference.status(ready) == 200;
              } catch (IOException e) {
                answers = false;
              }
              assertThat(answers).as("the server is gone").isFalse();
            });
    assertThat(cluster.trainingJob(ns, "iris-quickstart"))
        .as("the TrainingJob the server served is the user's, not the server's")
        .isNotNull();
  }
}
