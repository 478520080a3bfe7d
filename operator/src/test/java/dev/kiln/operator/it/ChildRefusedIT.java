package dev.kiln.operator.it;

import static dev.kiln.operator.it.KilnTestCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.operator.KilnOperator;
import dev.kiln.testkit.api.RequestLog;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The API server refuses the Job Kiln built (422), as a real one would for a pod its admission
 * finds invalid (an admission webhook, a newer API server, a CRD without Kiln's rules). The run
 * fails once with InvalidSpec naming the TrainingJob's field, and the Job is not created again and
 * again: one attempt for the reconcile that asked for it, none for later causes.
 */
class ChildRefusedIT {
  static {
    org.awaitility.Awaitility.ignoreExceptionsByDefault();
  }

  private static final String JOBS = "/apis/batch/v1/namespaces/" + NS + "/jobs";

  private KilnTestCluster cluster;
  private KilnOperator operator;
  private final RequestLog requests = new RequestLog();

  @BeforeEach
  void start() {
    cluster = new KilnTestCluster();
    cluster.server().expect().post().withPath(JOBS).andReturn(422, refusal()).always();
    operator = cluster.startOperator(Map.of(), requests);
  }

  @AfterEach
  void stop() {
    operator.close();
    cluster.close();
  }

  /** What kube-apiserver answers for a pod template with env[3] both value and valueFrom. */
  private static Status refusal() {
    String field = "spec.template.spec.containers[0].env[3].valueFrom";
    String message = "Invalid value: \"\": may not be specified when `value` is not empty";
    return new StatusBuilder()
        .withStatus("Failure")
        .withCode(422)
        .withReason("Invalid")
        .withMessage("Job.batch \"refused-1\" is invalid: " + field + ": " + message)
        .withNewDetails()
        .withGroup("batch")
        .withKind("Job")
        .withName("refused-1")
        .addNewCause()
        .withField(field)
        .withMessage(message)
        .withReason("FieldValueInvalid")
        .endCause()
        .endDetails()
        .build();
  }

  private long jobCreates() {
    return requests.all().stream()
        .filter(r -> r.method().equals("POST") && r.path().equals(JOBS))
        .count();
  }

  @Test
  void aRefusedJobFailsTheRunOnceNamingTheFieldWithoutRetrying() {
    TrainingJob tj = TrainingJobs.basic("refused");
    cluster.client().resource(tj).create();

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              var status = cluster.get("refused").getStatus();
              assertThat(status.getPhase()).isEqualTo(TrainingJobPhase.Failed);
              assertThat(status.getFailure().getReason()).isEqualTo("InvalidSpec");
              assertThat(status.getFailure().getMessage())
                  .startsWith("spec.env: the API server refused Job refused-1:")
                  .contains(
                      "spec.template.spec.containers[0].env[3].valueFrom: Invalid value: \"\":"
                          + " may not be specified when `value` is not empty");
            });
    assertThat(jobCreates()).as("the Job was asked for once").isEqualTo(1);

    // Later causes (another change to the TrainingJob, the 5 s safety recheck after a create) find
    // a finished run and create nothing.
    cluster
        .client()
        .resources(TrainingJob.class)
        .inNamespace(NS)
        .withName("refused")
        .edit(
            t -> {
              t.getMetadata().setLabels(Map.of("touched", "yes"));
              t.getSpec().setTtlSecondsAfterFinished(60L);
              return t;
            });
    await()
        .during(Duration.ofSeconds(7))
        .atMost(Duration.ofSeconds(10))
        .until(() -> jobCreates() == 1);
    assertThat(cluster.phase("refused")).isEqualTo(TrainingJobPhase.Failed);
  }
}
