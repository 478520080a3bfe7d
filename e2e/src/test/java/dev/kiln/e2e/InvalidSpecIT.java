package dev.kiln.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a user can get wrong in a TrainingJob is refused by the API server with the field named
 * (schema and CEL rules of the CRD), and a started run's spec cannot be changed.
 */
class InvalidSpecIT {
  private static E2eCluster cluster;

  @BeforeAll
  static void start() {
    cluster = E2eCluster.start(InvalidSpecIT.class);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void aTrainingJobWithMistakesIsRefusedNamingEachField() {
    String ns = cluster.namespace("invalid-spec");
    assertThatThrownBy(
            () ->
                cluster.apply(
                    ns,
                    """
                    apiVersion: kiln.dev/v1alpha1
                    kind: TrainingJob
                    metadata:
                      name: sloppy
                    spec:
                      workers: 0
                      workspace: {size: 1Gi, existingClaim: shared}
                      hyperparameters: {"1st": "x"}
                    """))
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(422);
              assertThat(e.getStatus().getDetails().getCauses())
                  .extracting(c -> c.getField())
                  .contains("spec.image", "spec.workers");
              assertThat(e.getMessage()).contains("TrainingJob.kiln.dev \"sloppy\" is invalid");
            });
    assertThat(cluster.trainingJob(ns, "sloppy")).isNull();
  }

  @Test
  void aStartedRunsSpecIsImmutableButItCanStillBeSuspended() {
    String ns = cluster.namespace("immutable-spec");
    cluster.apply(
        ns,
        """
        apiVersion: kiln.dev/v1alpha1
        kind: TrainingJob
        metadata:
          name: fixed
        spec:
          image: ghcr.io/kiln-dev/kiln-trainer:0.1.0
          hyperparameters: {epochs: "5"}
          workspace: {size: 1Gi}
        """);
    cluster.awaitTrainingJob(
        ns,
        "fixed",
        t -> assertThat(t.getStatus().getPhase()).isEqualTo(TrainingJobPhase.Succeeded));

    var resource = cluster.client().resources(TrainingJob.class).inNamespace(ns).withName("fixed");
    TrainingJob changed = resource.get();
    changed.getSpec().setHyperparameters(Map.of("epochs", "50"));
    assertThatThrownBy(() -> cluster.client().resource(changed).update())
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(422);
              assertThat(e.getMessage())
                  .contains("spec.hyperparameters cannot change once training has started");
            });
    assertThat(resource.get().getSpec().getHyperparameters()).containsEntry("epochs", "5");
  }
}
