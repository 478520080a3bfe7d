package dev.kiln.operator.trainingjob;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.TrainingJobStatus;
import dev.kiln.testkit.workload.ContainerStates;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** status.attempts agrees with the numbers the attempt step gives the pods. */
class AttemptsTest {
  private static final TrainingJobStatus NONE = new TrainingJobStatus();

  private static ContainerStatus waiting(String name) {
    return ContainerStates.status(name, ContainerStates.waiting("PodInitializing", null));
  }

  private static ContainerStatus terminated(String name, int exitCode) {
    return ContainerStates.status(
        name, ContainerStates.terminated(exitCode, null, null, null, null));
  }

  private static ContainerStatus running(String name) {
    return ContainerStates.status(name, ContainerStates.running("2026-12-02T10:00:00Z"));
  }

  private static Pod pod(
      String phase, String index, List<ContainerStatus> init, ContainerStatus trainer) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("p-" + System.nanoTime())
        .withAnnotations(
            index == null ? Map.of() : Map.of("batch.kubernetes.io/job-completion-index", index))
        .endMetadata()
        .withNewStatus()
        .withPhase(phase)
        .withInitContainerStatuses(init)
        .withContainerStatuses(trainer)
        .endStatus()
        .build();
  }

  /** As the operator's cache keeps a Job: its status, no completionMode. */
  private static Job job(int active, int failed) {
    return new JobBuilder()
        .withNewStatus()
        .withActive(active)
        .withFailed(failed)
        .endStatus()
        .build();
  }

  @Test
  void aPodIsAnAttemptOnceItsAttemptStepRanNotWhileItsImagesArePulled() {
    Pod pulling = pod("Pending", null, List.of(waiting("attempt")), waiting("trainer"));
    Pod loading =
        pod(
            "Pending",
            null,
            List.of(terminated("attempt", 0), running("fetch-dataset")),
            waiting("trainer"));

    assertThat(Attempts.observe(job(1, 0), List.of(pulling), NONE).count()).isNull();
    assertThat(Attempts.observe(job(1, 0), List.of(loading), NONE).count()).isEqualTo(1);
  }

  @Test
  void aPodThatFailedLoadingItsDataStillUsedItsNumber() {
    Pod failedLoading =
        pod(
            "Failed",
            null,
            List.of(terminated("attempt", 0), terminated("fetch-dataset", 1)),
            null);
    Pod retry = pod("Running", null, List.of(terminated("attempt", 0)), running("trainer"));

    assertThat(Attempts.observe(job(1, 1), List.of(failedLoading, retry), NONE).count())
        .as("the retry was told 2")
        .isEqualTo(2);
  }

  @Test
  void oneWorkerCountsTheJobsFinishedPodsWhenTheirPodsAreGone() {
    Pod third = pod("Running", null, List.of(terminated("attempt", 0)), running("trainer"));

    assertThat(Attempts.observe(job(1, 2), List.of(third), NONE).count()).isEqualTo(3);
  }

  @Test
  void severalWorkersReportTheMostRetriedWorkersAttempt() {
    List<ContainerStatus> counted = List.of(terminated("attempt", 0));
    List<Pod> pods =
        List.of(
            pod("Running", "0", counted, running("trainer")),
            pod("Failed", "1", counted, terminated("trainer", 1)),
            pod("Running", "1", counted, running("trainer")),
            pod("Running", "2", counted, running("trainer")));

    assertThat(Attempts.observe(job(3, 1), pods, NONE).count())
        .as("worker 1 is on its attempt 2; three pods of a first attempt are not three attempts")
        .isEqualTo(2);
  }

  @Test
  void neverFewerThanBefore() {
    TrainingJobStatus before = new TrainingJobStatus();
    before.setAttempts(4);

    assertThat(Attempts.observe(job(0, 0), List.of(), before).count()).isEqualTo(4);
  }
}
