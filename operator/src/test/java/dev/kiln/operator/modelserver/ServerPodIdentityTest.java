package dev.kiln.operator.modelserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.PodOverrides;
import dev.kiln.operator.OperatorConfig;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A model server's pods get no fixed user, group or fsGroup unless the operator is configured with
 * them (KILN_POD_*); a ModelServer's spec.pod values win. They stay restricted either way.
 */
class ServerPodIdentityTest {
  private static PodSpec pod(ModelServer ms, OperatorConfig config) {
    return ServerDeploymentBuilder.build(ms, ModelServers.pvcModel(), config)
        .getSpec()
        .getTemplate()
        .getSpec();
  }

  @Test
  void byDefaultThePlatformOrTheImageDecides() {
    PodSecurityContext context =
        pod(ModelServers.fromJob("iris", "iris"), OperatorConfig.fromMap(Map.of()))
            .getSecurityContext();

    assertThat(context.getRunAsNonRoot()).isTrue();
    assertThat(context.getRunAsUser()).isNull();
    assertThat(context.getRunAsGroup()).isNull();
    assertThat(context.getFsGroup()).isNull();
  }

  @Test
  void theOperatorsIdsApplyAndTheSpecsFsGroupWins() {
    OperatorConfig fixed =
        OperatorConfig.fromMap(
            Map.of("KILN_POD_RUN_AS_USER", "65532", "KILN_POD_FS_GROUP", "65532"));
    ModelServer ms = ModelServers.fromJob("iris", "iris");

    PodSecurityContext context = pod(ms, fixed).getSecurityContext();
    assertThat(context.getRunAsUser()).isEqualTo(65532L);
    assertThat(context.getRunAsGroup()).isNull();
    assertThat(context.getFsGroup()).isEqualTo(65532L);

    ms.getSpec().setPod(PodOverrides.builder().fsGroup(3000L).runAsUser(4000L).build());
    PodSpec pod = pod(ms, fixed);
    assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(3000L);
    assertThat(pod.getContainers().get(0).getSecurityContext().getRunAsUser()).isEqualTo(4000L);
    assertThat(pod.getContainers().get(0).getSecurityContext().getRunAsNonRoot()).isTrue();
  }
}
