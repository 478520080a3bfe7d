package dev.kiln.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Files;
import java.nio.file.Path;
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
        E2eCluster.start(
            RetryAttemptIT.class, Map.of(IMAGE, "e2e/src/test/resources/images/retries"));
    assumeTrue(cluster.isSandbox(), "the test image is not published: the sandbox builds it");
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

    assertThat(trainerLogs(ns, "second-worker-1", "0"))
        .containsExactly("worker 0 start 1 was told attempt 1");
    assertThat(trainerLogs(ns, "second-worker-1", "1"))
        .containsExactlyInAnyOrder(
            "worker 1 start 1 was told attempt 1", "worker 1 start 2 was told attempt 2");
    assertThat(tj.getStatus().getAttempts())
        .as("status.attempts: the most-retried worker's attempt")
        .isEqualTo(2);
  }

  /** The first line each trainer of the Job (of one completion index, when given) logged. */
  private static List<String> trainerLogs(String ns, String job, String index) {
    return cluster.pods(ns, "job-name", job).stream()
        .filter(p -> index == null || index.equals(completionIndex(p)))
        .map(p -> firstLine(ns, p))
        .toList();
  }

  private static String completionIndex(Pod pod) {
    return pod.getMetadata().getAnnotations().get("batch.kubernetes.io/job-completion-index");
  }

  private static String firstLine(String ns, Pod pod) {
    Path log =
        cluster
            .sandbox()
            .dir()
            .resolve("pods")
            .resolve(ns)
            .resolve(pod.getMetadata().getName())
            .resolve("trainer.log");
    try {
      return Files.readAllLines(log).get(0);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
