package dev.kiln.operator.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.Failure;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The kubelet's refusal of a root image, told as what to change. */
class RootImageRefusalTest {
  private static ContainerStatus refused(String message) {
    return KubeletRefusals.refused("trainer", message);
  }

  private static Optional<Failure> explain(ContainerStatus cs) {
    Pod pod = new PodBuilder().withNewMetadata().withName("iris-1-abc").endMetadata().build();
    return RootImageRefusal.explain(pod, cs);
  }

  @Test
  void anImageThatRunsAsRootIsNamedWithTheThreeWaysToRunIt() {
    Failure f = explain(refused(KubeletRefusals.RUNS_AS_ROOT)).orElseThrow();

    assertThat(f.getReason()).isEqualTo("ImageRunsAsRoot");
    assertThat(f.getPod()).isEqualTo("iris-1-abc");
    assertThat(f.getContainer()).isEqualTo("trainer");
    assertThat(f.getMessage())
        .startsWith(
            "image pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime (container trainer) runs"
                + " as root")
        .contains("numeric non-root USER")
        .contains("spec.pod.runAsUser")
        .contains("spec.pod.securityLevel: baseline");
  }

  @Test
  void aNonNumericUserIsNamedToo() {
    Failure f = explain(refused(KubeletRefusals.NON_NUMERIC)).orElseThrow();

    assertThat(f.getReason()).isEqualTo("ImageRunsAsRoot");
    assertThat(f.getMessage())
        .contains("runs as the non-numeric user 'app'")
        .contains("spec.pod.runAsUser");
  }

  @Test
  void otherConfigurationErrorsAreNotThisOne() {
    assertThat(explain(refused("secret \"s3-credentials\" not found"))).isEmpty();
    ContainerStatus pull = refused(KubeletRefusals.RUNS_AS_ROOT);
    pull.getState().getWaiting().setReason("ImagePullBackOff");
    assertThat(explain(pull)).isEmpty();
    ContainerStatus noMessage = refused(null);
    assertThat(explain(noMessage)).isEmpty();
  }
}
