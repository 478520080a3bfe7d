package dev.kiln.operator.modelserver;

import static dev.kiln.operator.modelserver.ModelServerStatusCalculatorTest.RESOLVED;
import static dev.kiln.operator.modelserver.ModelServerStatusCalculatorTest.T0;
import static dev.kiln.operator.modelserver.ModelServerStatusCalculatorTest.deployment;
import static dev.kiln.operator.modelserver.ModelServerStatusCalculatorTest.pod;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.ModelServerPhase;
import dev.kiln.api.v1alpha1.ModelServerStatus;
import dev.kiln.api.v1alpha1.PodSecurityLevel;
import dev.kiln.operator.modelserver.ModelServerStatusCalculator.Observed;
import dev.kiln.operator.support.KubeletRefusals;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A server image that runs as root, and the Pod Security level the status reports. */
class ServerRootImageTest {
  private final ModelServerStatusCalculator calculator =
      new ModelServerStatusCalculator(Duration.ofMinutes(10));

  private ModelServerStatus calculate(Deployment d, List<Pod> pods) {
    return calculator
        .calculate(
            new Observed(
                ModelServers.fromJob("iris", "iris"), List.of(), RESOLVED, d, true, pods, T0))
        .status();
  }

  @Test
  void aServerImageThatRunsAsRootFailsTheServerSayingHowToOptIn() {
    Deployment d = deployment(1, 1, 1, 1, 0);
    Pod refused =
        pod("s1", d, KubeletRefusals.refused("server", KubeletRefusals.NON_NUMERIC), false);

    ModelServerStatus s = calculate(d, List.of(refused));

    assertThat(s.getPhase()).isEqualTo(ModelServerPhase.Failed);
    assertThat(s.getFailure().getReason()).isEqualTo("ImageRunsAsRoot");
    assertThat(s.getFailure().getContainer()).isEqualTo("server");
    assertThat(s.getFailure().getMessage())
        .contains(
            KubeletRefusals.IMAGE,
            "non-numeric user 'app'",
            "spec.pod.runAsUser",
            "spec.pod.securityLevel: baseline");
  }

  @Test
  void theLevelIsReadFromTheDeploymentOnceItExists() {
    assertThat(calculate(deployment(1, 1, 1, 1, 1), List.of()).getPodSecurityLevel())
        .isEqualTo(PodSecurityLevel.restricted);
    Deployment baseline = deployment(1, 1, 1, 1, 1);
    baseline.getSpec().getTemplate().getSpec().getSecurityContext().setRunAsNonRoot(null);
    assertThat(calculate(baseline, List.of()).getPodSecurityLevel())
        .isEqualTo(PodSecurityLevel.baseline);
    assertThat(calculate(null, List.of()).getPodSecurityLevel()).as("no Deployment").isNull();
  }
}
