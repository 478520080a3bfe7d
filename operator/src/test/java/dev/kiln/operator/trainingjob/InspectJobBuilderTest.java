package dev.kiln.operator.trainingjob;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.junit.jupiter.api.Test;

/** The follow-up Job that records a succeeded run's model file with Kiln's own code. */
class InspectJobBuilderTest {
  @Test
  void inspectsTheModelDirReadOnlyWithTheLoaderAndNoCredentials() {
    Job job =
        InspectJobBuilder.build(
            TrainingJobFixtures.trainingJob("iris"), TrainingJobFixtures.CONFIG, null);
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    Container c = pod.getContainers().get(0);

    assertThat(job.getMetadata().getName()).isEqualTo("iris-inspect");
    assertThat(job.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/component", "inspect-model")
        .containsEntry("kiln.dev/trainingjob", "iris");
    assertThat(job.getMetadata().getOwnerReferences().get(0).getController()).isTrue();
    assertThat(c.getName()).isEqualTo("inspect-model");
    assertThat(c.getImage()).isEqualTo(TrainingJobFixtures.LOADER_IMAGE);
    assertThat(c.getArgs())
        .containsExactly("inspect", "/kiln/model", "--metrics-file", "metrics.json");
    assertThat(c.getEnvFrom()).isNullOrEmpty();
    assertThat(c.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
    assertThat(c.getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getMountPath()).isEqualTo("/kiln/model");
              assertThat(m.getSubPath()).isEqualTo("model");
              assertThat(m.getReadOnly()).isTrue();
            })
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
    assertThat(pod.getVolumes())
        .anySatisfy(
            v -> {
              assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("iris-workspace");
              assertThat(v.getPersistentVolumeClaim().getReadOnly()).isTrue();
            });
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
  }

  @Test
  void aVerdictOnTheModelFailsTheJobAtOnceAndAnythingElseIsTriedOnceMore() {
    Job job =
        InspectJobBuilder.build(
            TrainingJobFixtures.trainingJob("iris"), TrainingJobFixtures.CONFIG, null);
    assertThat(job.getSpec().getBackoffLimit()).isEqualTo(1);
    assertThat(job.getSpec().getPodFailurePolicy().getRules())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getAction()).isEqualTo("FailJob");
              assertThat(r.getOnExitCodes().getContainerName()).isEqualTo("inspect-model");
              assertThat(r.getOnExitCodes().getOperator()).isEqualTo("In");
              assertThat(r.getOnExitCodes().getValues()).containsExactly(3, 5);
            });
  }

  @Test
  void whatTheTrainerReportedIsPassedOnToBeChecked() {
    TerminationMessage reported =
        TerminationMessage.parse(
                "{\"artifact\":{\"path\":\"export/model.onnx\",\"sha256\":\" SHA256:ABCD \"}}")
            .message();
    Job job =
        InspectJobBuilder.build(
            TrainingJobFixtures.trainingJob("iris", s -> s.setMetricsFile("eval/scores.json")),
            TrainingJobFixtures.CONFIG,
            reported);
    assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .containsExactly(
            "inspect",
            "/kiln/model",
            "--metrics-file",
            "eval/scores.json",
            "--expect-path",
            "export/model.onnx",
            "--expect-sha256",
            "sha256:abcd");
  }
}
