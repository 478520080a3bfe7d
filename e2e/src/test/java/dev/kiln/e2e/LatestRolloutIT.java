package dev.kiln.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.api.v1alpha1.ModelServerPhase;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import io.fabric8.kubernetes.api.model.Event;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code model.latest}: the server follows the newest qualified run of a selector, rolls out each
 * new one without a gap, and never serves a run that failed its quality gate.
 */
class LatestRolloutIT {
  private static E2eCluster cluster;

  @BeforeAll
  static void start() {
    cluster = E2eCluster.start(LatestRolloutIT.class);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static String run(String name, String seed, String gate) {
    return """
        apiVersion: kiln.dev/v1alpha1
        kind: TrainingJob
        metadata:
          name: %s
          labels: {app.kubernetes.io/part-of: iris-nightly}
        spec:
          image: ghcr.io/kiln-dev/kiln-trainer:0.1.0
          hyperparameters: {epochs: "15", seed: "%s"}
          workspace: {size: 1Gi}
          qualityGate: [{metric: accuracy, op: ">=", value: %s}]
        """
        .formatted(name, seed, gate);
  }

  @Test
  void aNewerQualifiedRunRollsOutAndAnUnqualifiedOneIsNeverServed() throws Exception {
    String ns = cluster.namespace("latest-rollout");
    cluster.apply(
        ns,
        """
        apiVersion: kiln.dev/v1alpha1
        kind: ModelServer
        metadata:
          name: iris
        spec:
          model:
            latest:
              selector:
                matchLabels: {app.kubernetes.io/part-of: iris-nightly}
        """);
    cluster.awaitModelServer(
        ns,
        "iris",
        m -> {
          assertThat(m.getStatus().getPhase()).isEqualTo(ModelServerPhase.Pending);
          assertThat(m.getStatus().getConditions())
              .anySatisfy(c -> assertThat(c.getReason()).isEqualTo("NoQualifiedModel"));
        });

    cluster.apply(ns, run("nightly-1", "1", "0.8"));
    var first =
        cluster.awaitModelServer(
            ns,
            "iris",
            m -> {
              assertThat(m.getStatus().getPhase()).isEqualTo(ModelServerPhase.Ready);
              assertThat(m.getStatus().getModel().getTrainingJob()).isEqualTo("nightly-1");
            });
    URI base = cluster.reach(URI.create(first.getStatus().getUrl()));
    assertThat(Inference.classify(base, "iris", 1.4, 0.2, 5.1, 3.5)).hasSize(3);

    cluster.apply(ns, run("nightly-2", "2", "0.8"));
    var second =
        cluster.awaitModelServer(
            ns,
            "iris",
            m -> {
              assertThat(m.getStatus().getPhase()).isEqualTo(ModelServerPhase.Ready);
              assertThat(m.getStatus().getModel().getTrainingJob()).isEqualTo("nightly-2");
              assertThat(m.getStatus().getConditions())
                  .anySatisfy(
                      c -> {
                        assertThat(c.getType()).isEqualTo("Progressing");
                        assertThat(c.getReason()).isEqualTo("RolloutComplete");
                      });
              assertThat(cluster.pods(ns, "kiln.dev/modelserver", "iris"))
                  .singleElement()
                  .satisfies(
                      p ->
                          assertThat(p.getMetadata().getAnnotations().get("kiln.dev/model-uri"))
                              .isEqualTo("pvc://nightly-2-workspace/model/model.onnx"));
            });
    assertThat(second.getStatus().getModel().getSha256())
        .isEqualTo(cluster.trainingJob(ns, "nightly-2").getStatus().getArtifact().getSha256());
    assertThat(cluster.events(ns, "ModelServer", "iris"))
        .extracting(Event::getReason)
        .contains("RollingOut", "RolloutComplete");
    base = cluster.reach(URI.create(second.getStatus().getUrl()));
    assertThat(Inference.classify(base, "iris", 1.4, 0.2, 5.1, 3.5)).hasSize(3);

    // Accuracy cannot exceed 1: this run succeeds but fails its gate.
    cluster.apply(ns, run("nightly-3", "3", "1.01"));
    cluster.awaitTrainingJob(
        ns,
        "nightly-3",
        t -> {
          assertThat(t.getStatus().getPhase()).isEqualTo(TrainingJobPhase.Succeeded);
          assertThat(t.getStatus().getConditions())
              .anySatisfy(
                  c -> {
                    assertThat(c.getType()).isEqualTo("ModelQualified");
                    assertThat(c.getStatus()).isEqualTo("False");
                  });
        });
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(cluster.modelServer(ns, "iris").getStatus().getModel().getTrainingJob())
                    .isEqualTo("nightly-2"));
  }
}
