package dev.kiln.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.TrainingJobPhase;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Failures explained in the status, so nobody has to read pod logs to know what went wrong. */
class TrainingFailuresIT {
  private static E2eCluster cluster;

  @BeforeAll
  static void start() {
    cluster = E2eCluster.start(TrainingFailuresIT.class);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void aTrainerThatExitsNonZeroFailsTheRunWithItsOwnErrorLineAndExitCode() {
    String ns = cluster.namespace("failing-trainer");
    cluster.apply(
        ns,
        """
        apiVersion: kiln.dev/v1alpha1
        kind: TrainingJob
        metadata:
          name: wrong-label
        spec:
          image: ghcr.io/kiln-dev/kiln-trainer:0.1.0
          hyperparameters: {epochs: "5", label_column: colour}
          backoffLimit: 1
          workspace: {size: 1Gi}
        """);

    var tj =
        cluster.awaitTrainingJob(
            ns,
            "wrong-label",
            t -> assertThat(t.getStatus().getPhase()).isEqualTo(TrainingJobPhase.Failed));
    var failure = tj.getStatus().getFailure();
    assertThat(failure.getReason()).isEqualTo("Error");
    assertThat(failure.getExitCode()).isEqualTo(1);
    assertThat(failure.getContainer()).isEqualTo("trainer");
    assertThat(failure.getMessage()).contains("label column 'colour' not in header");
    assertThat(tj.getStatus().getAttempts())
        .as("backoffLimit 1: the first try and one retry")
        .isEqualTo(2);
    assertThat(cluster.events(ns, "TrainingJob", "wrong-label"))
        .anySatisfy(
            e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getMessage()).contains("colour");
            });
  }

  @Test
  void anImageThatCannotBePulledIsReportedAtOnceAndFailsAfterTheStartupDeadline() {
    String ns = cluster.namespace("unknown-image");
    cluster.apply(
        ns,
        """
        apiVersion: kiln.dev/v1alpha1
        kind: TrainingJob
        metadata:
          name: typo
        spec:
          image: ghcr.io/kiln-dev/kiln-trainr:0.1.0
          startupDeadlineSeconds: 15
          workspace: {size: 1Gi}
        """);

    cluster.awaitTrainingJob(
        ns,
        "typo",
        t -> {
          assertThat(t.getStatus().getPhase()).isEqualTo(TrainingJobPhase.Pending);
          assertThat(t.getStatus().getConditions())
              .anySatisfy(
                  c -> {
                    assertThat(c.getType()).isEqualTo("Running");
                    assertThat(c.getReason()).isIn("ErrImagePull", "ImagePullBackOff");
                    assertThat(c.getMessage()).contains("kiln-trainr:0.1.0");
                  });
        });

    var failed =
        cluster.awaitTrainingJob(
            ns,
            "typo",
            t -> assertThat(t.getStatus().getPhase()).isEqualTo(TrainingJobPhase.Failed));
    assertThat(failed.getStatus().getFailure().getReason())
        .isIn("ErrImagePull", "ImagePullBackOff");
    assertThat(failed.getStatus().getFailure().getMessage())
        .contains("startupDeadlineSeconds=15", "kiln-trainr:0.1.0");
    Job job = cluster.client().batch().v1().jobs().inNamespace(ns).withName("typo-1").get();
    assertThat(job.getSpec().getSuspend()).as("the run's pods are stopped").isTrue();
    cluster.awaitTrainingJob(
        ns, "typo", t -> assertThat(cluster.pods(ns, "kiln.dev/trainingjob", "typo")).isEmpty());
    assertThat(cluster.events(ns, "TrainingJob", "typo"))
        .extracting(Event::getType)
        .contains("Warning");
  }

  @Test
  void aSecretThatDoesNotExistIsNamedInTheStatusBeforeTheRunFails() {
    String ns = cluster.namespace("missing-secret");
    cluster.apply(
        ns,
        """
        apiVersion: kiln.dev/v1alpha1
        kind: TrainingJob
        metadata:
          name: no-creds
        spec:
          image: ghcr.io/kiln-dev/kiln-trainer:0.1.0
          envFrom: [{secretRef: {name: warehouse-creds}}]
          startupDeadlineSeconds: 10
          workspace: {size: 1Gi}
        """);

    var failed =
        cluster.awaitTrainingJob(
            ns,
            "no-creds",
            t -> assertThat(t.getStatus().getPhase()).isEqualTo(TrainingJobPhase.Failed));
    assertThat(failed.getStatus().getFailure().getReason()).isEqualTo("CreateContainerConfigError");
    assertThat(failed.getStatus().getFailure().getMessage()).contains("warehouse-creds");
    assertThat(failed.getStatus().getFailure().getContainer()).isEqualTo("trainer");
  }
}
