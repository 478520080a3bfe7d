package dev.kiln.sandbox.cluster;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

class RunAsNonRootTest {
  private static final String WHICH = "(pod: \"train-1-abcde_team(uid-1)\", container: trainer)";

  private static Pod pod(Boolean nonRoot, Long runAsUser) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("train-1-abcde")
        .withNamespace("team")
        .withUid("uid-1")
        .endMetadata()
        .withNewSpec()
        .withNewSecurityContext()
        .withRunAsNonRoot(nonRoot)
        .withRunAsUser(runAsUser)
        .endSecurityContext()
        .endSpec()
        .build();
  }

  private static Container container(Boolean nonRoot, Long runAsUser) {
    return new ContainerBuilder()
        .withName("trainer")
        .withNewSecurityContext()
        .withRunAsNonRoot(nonRoot)
        .withRunAsUser(runAsUser)
        .endSecurityContext()
        .build();
  }

  @Test
  void anImageWithoutUserOrWithUserZeroRunsAsRootAndIsRefusedWithTheKubeletsMessage() {
    for (String user : new String[] {null, "", "0", "0:0", "000"}) {
      assertThatThrownBy(() -> RunAsNonRoot.verify(pod(true, null), container(true, null), user))
          .isInstanceOf(StartupError.class)
          .hasMessage("container has runAsNonRoot and image will run as root " + WHICH)
          .extracting(e -> ((StartupError) e).reason())
          .isEqualTo("CreateContainerConfigError");
    }
  }

  @Test
  void aNamedUserCannotBeVerifiedNotEvenRoot() {
    assertThatThrownBy(() -> RunAsNonRoot.verify(pod(true, null), container(null, null), "app"))
        .hasMessage(
            "container has runAsNonRoot and image has non-numeric user (app), cannot verify user"
                + " is non-root "
                + WHICH);
    assertThatThrownBy(() -> RunAsNonRoot.verify(pod(null, null), container(true, null), "root"))
        .hasMessageContaining("non-numeric user (root)");
  }

  @Test
  void aNumericNonRootUserOrAnExplicitRunAsUserStarts() {
    assertThatCode(() -> RunAsNonRoot.verify(pod(true, null), container(true, null), "65532:65532"))
        .doesNotThrowAnyException();
    assertThatCode(() -> RunAsNonRoot.verify(pod(true, 1000L), container(true, null), null))
        .as("the pod's runAsUser decides, whatever the image says")
        .doesNotThrowAnyException();
    assertThatCode(() -> RunAsNonRoot.verify(pod(true, null), container(true, 1000L), "app"))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> RunAsNonRoot.verify(pod(true, null), container(null, 0L), "1000"))
        .hasMessage("container's runAsUser breaks non-root policy " + WHICH);
  }

  @Test
  void withoutRunAsNonRootAnyImageStartsAndTheContainerOverridesThePod() {
    assertThatCode(() -> RunAsNonRoot.verify(pod(null, null), container(null, null), null))
        .doesNotThrowAnyException();
    assertThatCode(() -> RunAsNonRoot.verify(pod(true, null), container(false, null), null))
        .as("an explicit opt-out on the container wins over the pod")
        .doesNotThrowAnyException();
  }
}
