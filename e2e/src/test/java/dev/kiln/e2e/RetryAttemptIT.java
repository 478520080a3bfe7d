package dev.kiln.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The attempt number a trainer is given is right in the very pod the Job controller starts after a
 * failure, with no race against the operator: a retried trainer must know it is a retry to resume.
 * The test image fails its first starts on purpose and logs the number each start was told.
 */
class RetryAttemptIT {
  static final String IMAGE = "registry.example/e2e/retries:1";
  private static E2eCluster cluster;

  @BeforeAll
  static void start() {
    PythonOnHost.assumeImportable(Map.of());
    cluster =
        E2eCluster.startSandboxOnly(
            RetryAttemptIT.class,
            Map.of(IMAGE, "e2e/src/test/resources/images/retries"),
            "the test image is not published: the sandbox builds it");
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void eachRetryOfOneWorkerIsToldItsOwnAttemptNumber() throws Exception {
    String ns = cluster.namespace("retries");
    cluster.apply(
        ns,
        """
        apiVersion: kiln.dev/v1alpha1
        kind: TrainingJob
        metadata:
          name: third-time
        spec:
          image: %s
          hyperparameters: {fail_starts: "2"}
          backoffLimit: 2
          workspace: {size: 1Gi}
        """
            .formatted(IMAGE));

    TrainingJob tj =
        cluster.awaitTrainingJob(
            ns,
            "third-time",
            t -> assertThat(t.getStatus().getPhase()).isEqualTo(TrainingJobPhase.Succeeded));

    assertThat(trainerLogs(ns, "third-time-1", null))
        .containsExactlyInAnyOrder(
            "worker 0 start 1 was told attempt 1",
            "worker 0 start 2 was told attempt 2",
            "worker 0 start 3 was told attempt 3");
    assertThat(tj.getStatus().getMetrics()).containsEntry("attempt", "3");
    assertThat(tj.getStatus().getAttempts()).as("status.attempts agrees").isEqualTo(3);
  }

  @Test
  void aRetriedWorkerIsToldItsAttemptWhileTheOthersKeepTheirs() throws Exception {
    String ns = cluster.namespace("worker-retry");
    cluster.apply(
        ns,
        """
        apiVersion: kiln.dev/v1alpha1
        kind: TrainingJob
        metadata:
          name: second-worker
        spec:
          image: %s
          workers: 2
          hyperparameters: {fail_starts: "1", failing_worker: "1"}
          backoffLimit: 1
          workspace: {size: 1Gi}
        """
            .formatted(IMAGE));

    TrainingJob tj =
        cluster.awaitTrainingJob(
            ns,
            "second-worker",
            t -> assertThat(t.getStatus().getPhase()).isEqualTo(TrainingJobPhase.Succeeded));

    assertThat(trainerLogs(ns, "second-worker-1", 0))
        .containsExactly("worker 0 start 1 was told attempt 1");
    assertThat(trainerLogs(ns, "second-worker-1", 1))
        .containsExactlyInAnyOrder(
            "worker 1 start 1 was told attempt 1", "worker 1 start 2 was told attempt 2");
    assertThat(tj.getStatus().getAttempts())
        .as("status.attempts: the most-retried worker's attempt")
        .isEqualTo(2);
  }

  /** The first line each trainer of the Job (of one completion index, when given) logged. */
  private static List<String> trainerLogs(String ns, String job, Integer index) {
    List<Pod> pods =
        index == null ? cluster.pods(ns, "job-name", job) : cluster.jobPods(ns, job, index);
    return pods.stream()
        .map(p -> cluster.log(ns, p, "trainer").lines().findFirst().orElse(""))
        .toList();
  }
}
