package dev.kiln.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.Failure;
import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.ModelServerPhase;
import dev.kiln.api.v1alpha1.ModelServerStatus;
import dev.kiln.api.v1alpha1.Progress;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.api.v1alpha1.TrainingJobStatus;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusLineTest {
  private static TrainingJob tj(TrainingJobStatus status) {
    TrainingJob tj = new TrainingJob();
    tj.setStatus(status);
    return tj;
  }

  @Test
  void aRunningJobShowsProgressAndReadableMetrics() {
    TrainingJobStatus s = new TrainingJobStatus();
    s.setPhase(TrainingJobPhase.Running);
    Progress p = new Progress();
    p.setEpoch(5L);
    p.setTotalEpochs(20L);
    p.setPercent(25);
    p.setEtaSeconds(12L);
    s.setProgress(p);
    s.setMetrics(Map.of("accuracy", "0.9333333333", "loss", "0.472447036"));
    assertThat(StatusLine.of(tj(s)))
        .isEqualTo("Running    epoch 5/20 (25%) ETA 12s  accuracy=0.9333 loss=0.4724");
  }

  @Test
  void aPendingJobSaysWhyAndAFailedOneWhatFailed() {
    TrainingJobStatus pending = new TrainingJobStatus();
    pending.setPhase(TrainingJobPhase.Pending);
    pending.setConditions(
        List.of(
            new ConditionBuilder()
                .withType("Running")
                .withStatus("False")
                .withReason("ImagePullBackOff")
                .withMessage("Back-off pulling image \"x\"")
                .build()));
    assertThat(StatusLine.of(tj(pending)))
        .contains("Pending", "ImagePullBackOff: Back-off pulling image \"x\"");

    TrainingJobStatus failed = new TrainingJobStatus();
    failed.setPhase(TrainingJobPhase.Failed);
    failed.setFailure(Failure.builder().reason("Error").message("bad label").exitCode(1).build());
    assertThat(StatusLine.of(tj(failed))).contains("Failed", "Error: bad label (exit code 1)");
    assertThat(StatusLine.of(new TrainingJob())).isEqualTo(StatusLine.SUBMITTED);
  }

  @Test
  void aReadyServerShowsItsUrlAndTheRunItServes() {
    ModelServer ms = new ModelServer();
    ModelServerStatus s = new ModelServerStatus();
    s.setPhase(ModelServerPhase.Ready);
    s.setReplicas(1);
    s.setReadyReplicas(1);
    s.setUrl("http://iris.default.svc.cluster.local:8080");
    var model = new dev.kiln.api.v1alpha1.ServedModel();
    model.setUri("pvc://iris-workspace/model/model.onnx");
    model.setTrainingJob("iris");
    s.setModel(model);
    ms.setStatus(s);
    assertThat(StatusLine.of(ms))
        .isEqualTo(
            "Ready      1/1 ready  http://iris.default.svc.cluster.local:8080  serving trainingjob/iris");
  }
}
