package dev.kiln.operator.trainingjob;

import static dev.kiln.operator.trainingjob.TrainingJobStatusCalculatorTest.STARTUP;
import static dev.kiln.operator.trainingjob.TrainingJobStatusCalculatorTest.T0;
import static dev.kiln.operator.trainingjob.TrainingJobStatusCalculatorTest.job;
import static dev.kiln.operator.trainingjob.TrainingJobStatusCalculatorTest.pod;
import static dev.kiln.operator.trainingjob.TrainingJobStatusCalculatorTest.trainingJob;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.PodOverrides;
import dev.kiln.api.v1alpha1.PodSecurityLevel;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.api.v1alpha1.TrainingJobStatus;
import dev.kiln.operator.support.KubeletRefusals;
import dev.kiln.operator.trainingjob.TrainingJobStatusCalculator.JobAction;
import dev.kiln.operator.trainingjob.TrainingJobStatusCalculator.Observed;
import dev.kiln.operator.trainingjob.TrainingJobStatusCalculator.Outcome;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A root-only image under the restricted default fails the run as soon as the kubelet refuses it,
 * not after startupDeadlineSeconds; and the status says which Pod Security level the pods need.
 */
class RootImageFailFastTest {
  private final TrainingJobStatusCalculator calculator = new TrainingJobStatusCalculator(STARTUP);

  private Outcome calculate(TrainingJob tj, List<Pod> pods) {
    return calculator.calculate(new Observed(tj, List.of(), job(), pods, T0.plusSeconds(5)));
  }

  @Test
  void theKubeletRefusingARootImageFailsTheRunAtOnceAndStopsItsPods() {
    Outcome o =
        calculate(
            trainingJob(),
            List.of(pod("p1", KubeletRefusals.refused("trainer", KubeletRefusals.RUNS_AS_ROOT))));

    TrainingJobStatus s = o.status();
    assertThat(s.getPhase()).isEqualTo(TrainingJobPhase.Failed);
    assertThat(s.getFailure().getReason()).isEqualTo("ImageRunsAsRoot");
    assertThat(s.getFailure().getMessage()).contains("spec.pod.securityLevel: baseline");
    assertThat(s.getCompletionTime()).isEqualTo(T0.plusSeconds(5).toString());
    assertThat(o.jobAction()).isEqualTo(JobAction.SUSPEND);
  }

  @Test
  void anotherConfigurationErrorStillWaitsForTheStartupDeadline() {
    Outcome o =
        calculate(
            trainingJob(),
            List.of(pod("p1", KubeletRefusals.refused("trainer", "secret \"creds\" not found"))));

    assertThat(o.status().getPhase()).isEqualTo(TrainingJobPhase.Pending);
    assertThat(o.jobAction()).isEqualTo(JobAction.NONE);
  }

  @Test
  void theStatusShowsTheLevelOnceTheJobExists() {
    TrainingJob restricted = trainingJob();
    TrainingJob baseline = trainingJob();
    baseline
        .getSpec()
        .setPod(PodOverrides.builder().securityLevel(PodSecurityLevel.baseline).build());

    assertThat(calculate(restricted, List.of()).status().getPodSecurityLevel())
        .isEqualTo(PodSecurityLevel.restricted);
    assertThat(calculate(baseline, List.of()).status().getPodSecurityLevel())
        .isEqualTo(PodSecurityLevel.baseline);
    assertThat(
            calculator
                .calculate(new Observed(baseline, List.of(), null, List.of(), T0))
                .status()
                .getPodSecurityLevel())
        .as("no Job yet")
        .isNull();
  }
}
