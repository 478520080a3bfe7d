package dev.kiln.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import io.fabric8.kubernetes.api.model.Event;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code spec.suspend}, the user's pause: no pods while suspended, a run on resume. */
class SuspendResumeIT {
  private static E2eCluster cluster;

  @BeforeAll
  static void start() {
    cluster = E2eCluster.start(SuspendResumeIT.class);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void aSuspendedRunStartsNoPodUntilItIsResumedAndThenSucceeds() {
    String ns = cluster.namespace("suspend-resume");
    cluster.apply(
        ns,
        """
        apiVersion: kiln.dev/v1alpha1
        kind: TrainingJob
        metadata:
          name: later
        spec:
          image: ghcr.io/kiln-dev/kiln-trainer:0.1.0
          hyperparameters: {epochs: "10"}
          suspend: true
          workspace: {size: 1Gi}
        """);

    cluster.awaitTrainingJob(
        ns,
        "later",
        t -> {
          assertThat(t.getStatus().getPhase()).isEqualTo(TrainingJobPhase.Suspended);
          assertThat(t.getStatus().getConditions())
              .anySatisfy(
                  c -> {
                    assertThat(c.getType()).isEqualTo("Suspended");
                    assertThat(c.getStatus()).isEqualTo("True");
                  });
        });
    assertThat(cluster.client().batch().v1().jobs().inNamespace(ns).withName("later-1").get())
        .satisfies(job -> assertThat(job.getSpec().getSuspend()).isTrue());
    assertThat(cluster.pods(ns, "kiln.dev/trainingjob", "later")).isEmpty();

    cluster
        .client()
        .resources(TrainingJob.class)
        .inNamespace(ns)
        .withName("later")
        .edit(
            t -> {
              t.getSpec().setSuspend(false);
              return t;
            });

    TrainingJob done =
        cluster.awaitTrainingJob(
            ns,
            "later",
            t -> assertThat(t.getStatus().getPhase()).isEqualTo(TrainingJobPhase.Succeeded));
    assertThat(done.getStatus().getProgress().getEpoch()).isEqualTo(10);
    assertThat(cluster.events(ns, "TrainingJob", "later"))
        .extracting(Event::getReason)
        .containsSubsequence("Suspended", "Resumed", "Succeeded");
  }
}
