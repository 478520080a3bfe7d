package dev.kiln.operator.trainingjob;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class FinalReportTest {
  private static final String REPORT = "{\"metrics\": {\"accuracy\": 0.93}}";

  @Test
  void withTwoWorkersTheReportOfRankZeroWinsOverANewerSilentWorker() {
    Pod rank0 = worker(0, "2026-12-02T10:00:00Z", REPORT);
    Pod rank1 = worker(1, "2026-12-02T10:00:05Z", "");

    assertThat(FinalReport.succeededTrainer(List.of(rank0, rank1)))
        .map(ContainerStateTerminated::getMessage)
        .contains(REPORT);
    assertThat(FinalReport.trainerMessage(List.of(rank1, rank0)).message().metrics())
        .containsKey("accuracy");
  }

  @Test
  void whenEveryWorkerReportedWorkerZeroIsTheOneRead() {
    Pod rank0 = worker(0, "2026-12-02T10:00:00Z", REPORT);
    Pod rank1 = worker(1, "2026-12-02T10:00:05Z", "{\"metrics\": {\"accuracy\": 0.5}}");

    assertThat(FinalReport.succeededTrainer(List.of(rank1, rank0)))
        .map(ContainerStateTerminated::getMessage)
        .contains(REPORT);
  }

  @Test
  void aSingleSilentTrainerIsStillTheSucceededOne() {
    Pod only = worker(0, "2026-12-02T10:00:00Z", null);

    assertThat(FinalReport.succeededTrainer(List.of(only))).isPresent();
    assertThat(FinalReport.trainerMessage(List.of(only)).message()).isNull();
  }

  private static Pod worker(int index, String created, String message) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("tj-1-" + index + "-x")
        .withCreationTimestamp(created)
        .addToAnnotations("batch.kubernetes.io/job-completion-index", Integer.toString(index))
        .endMetadata()
        .withNewStatus()
        .addNewContainerStatus()
        .withName(TrainingBatchJobBuilder.TRAINER)
        .withNewState()
        .withNewTerminated()
        .withExitCode(0)
        .withMessage(message)
        .endTerminated()
        .endState()
        .endContainerStatus()
        .endStatus()
        .build();
  }
}
