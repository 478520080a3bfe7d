package dev.kiln.operator.it;

import static dev.kiln.operator.it.KilnTestCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.operator.KilnOperator;
import dev.kiln.testkit.api.RequestLog;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Failures a user must be able to read from the status, not from pod logs. */
class TrainingJobFailuresIT {
  static {
    // Status fields are read while the operator may not have written them yet: an exception
    // there means "not yet", like a failed assertion, until the wait times out.
    org.awaitility.Awaitility.ignoreExceptionsByDefault();
  }

  private KilnTestCluster cluster;
  private KilnOperator operator;
  private final RequestLog requests = new RequestLog();

  @BeforeEach
  void start() {
    cluster = new KilnTestCluster();
    operator = cluster.startOperator(Map.of(), requests);
  }

  @AfterEach
  void stop() {
    operator.close();
    cluster.close();
  }

  @Test
  void imagePullBackOffFailsTheRunAfterTheStartupDeadlineAndStopsItsPods() {
    TrainingJob tj = TrainingJobs.basic("typo");
    tj.getSpec().setStartupDeadlineSeconds(2L);
    cluster.client().resource(tj).create();
    await().until(() -> !cluster.jobs().isEmpty());
    cluster.jobActive("typo-1");
    cluster.pod(
        "typo",
        "typo-1-xyz",
        KilnTestCluster.waiting(
            "ImagePullBackOff", "Back-off pulling image \"registry.example/nope:1\""));

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(cluster.get("typo").getStatus().getConditions())
                    .anySatisfy(
                        c -> {
                          assertThat(c.getType()).isEqualTo("Running");
                          assertThat(c.getReason()).isEqualTo("ImagePullBackOff");
                        }));
    assertThat(cluster.phase("typo")).isEqualTo(TrainingJobPhase.Pending);

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              TrainingJob failed = cluster.get("typo");
              assertThat(failed.getStatus().getPhase()).isEqualTo(TrainingJobPhase.Failed);
              assertThat(failed.getStatus().getFailure().getReason()).isEqualTo("ImagePullBackOff");
              assertThat(failed.getStatus().getFailure().getMessage())
                  .contains("startupDeadlineSeconds=2", "registry.example/nope:1");
              assertThat(failed.getStatus().getFailure().getPod()).isEqualTo("typo-1-xyz");
              assertThat(cluster.jobs().get(0).getSpec().getSuspend()).as("pods stopped").isTrue();
            });
    assertThat(cluster.events("typo"))
        .anySatisfy(
            e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getReason()).isEqualTo("ImagePullBackOff");
            });
  }

  @Test
  void oomKilledTrainerExplainsTheFailureWithExitCode() {
    cluster.client().resource(TrainingJobs.basic("big")).create();
    await().until(() -> !cluster.jobs().isEmpty());
    cluster.pod("big", "big-1-a", KilnTestCluster.terminated(137, "OOMKilled", null));
    cluster.jobFinished("big-1", "Failed", "BackoffLimitExceeded", 4, 0);

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              var status = cluster.get("big").getStatus();
              assertThat(status.getPhase()).isEqualTo(TrainingJobPhase.Failed);
              assertThat(status.getFailure().getReason()).isEqualTo("OOMKilled");
              assertThat(status.getFailure().getExitCode()).isEqualTo(137);
              assertThat(status.getFailure().getMessage()).contains("memory limit", "4 attempts");
              assertThat(status.getAttempts()).isEqualTo(4);
            });
  }

  @Test
  void invalidSpecTheSchemaCannotCatchFailsOnceNamingTheFieldWithoutRetrying() {
    TrainingJob tj = TrainingJobs.basic("bad");
    tj.getSpec()
        .setResources(
            new ResourceRequirementsBuilder()
                .withLimits(Map.of("memory", new Quantity("lots")))
                .build());
    tj.getSpec().setHyperparameters(Map.of("learning_rate", "0.1", "learningRate", "0.2"));
    cluster.client().resource(tj).create();

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              var status = cluster.get("bad").getStatus();
              assertThat(status.getPhase()).isEqualTo(TrainingJobPhase.Failed);
              assertThat(status.getFailure().getReason()).isEqualTo("InvalidSpec");
              assertThat(status.getFailure().getMessage())
                  .contains(
                      "spec.resources.limits.memory: Invalid value: \"lots\": must be a quantity")
                  .contains("both become KILN_HP_LEARNING_RATE");
            });
    assertThat(cluster.jobs()).isEmpty();
    int writes = requests.writes().size();
    // No retry loop: nothing more is written while the spec stays wrong.
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> requests.writes().size() == writes);
    assertThat(cluster.client().persistentVolumeClaims().inNamespace(NS).list().getItems())
        .isEmpty();
  }
}
