package dev.kiln.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.PodSecurityLevel;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A stock image without USER runs as root; under Kiln's restricted default (runAsNonRoot) the
 * kubelet refuses to start it, and the run fails fast saying why instead of waiting forever.
 */
class RootOnlyImageIT {
  static final String IMAGE = "registry.example/e2e/root-only:1";
  private static E2eCluster cluster;

  @BeforeAll
  static void start() {
    cluster =
        E2eCluster.startSandboxOnly(
            RootOnlyImageIT.class,
            Map.of(IMAGE, "e2e/src/test/resources/images/root-only"),
            "the test image is not published: the sandbox builds none");
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aRootOnlyImageFailsFastSayingHowToOptIn() {
    String ns = cluster.namespace("root-only");
    // No startupDeadlineSeconds: the default is 600 s, so only a fast failure passes in time.
    // The kubelet's refusal (CreateContainerConfigError, "container has runAsNonRoot and image
    // will run as root") is the sandbox's, checked in its own tests; here what the user sees.
    cluster.apply(ns, trainingJob("as-root", ""));

    TrainingJob failed =
        cluster.awaitTrainingJob(
            ns,
            "as-root",
            t -> assertThat(t.getStatus().getPhase()).isEqualTo(TrainingJobPhase.Failed));
    assertThat(failed.getStatus().getFailure().getReason()).isEqualTo("ImageRunsAsRoot");
    assertThat(failed.getStatus().getFailure().getMessage())
        .contains(IMAGE)
        .contains("spec.pod.securityLevel: baseline")
        .contains("spec.pod.runAsUser");
    assertThat(failed.getStatus().getFailure().getContainer()).isEqualTo("trainer");
    assertThat(failed.getStatus().getAttempts())
        .as("one pod (its attempt step ran, its trainer was refused), not retried")
        .isEqualTo(1);
    assertThat(cluster.pods(ns, "job-name", "as-root-1"))
        .as("the refused pod is stopped with its Job, not left waiting")
        .isEmpty();
  }

  @Test
  void withTheOptInItRunsAndTheStatusNamesTheLevelThePodsNeed() {
    String ns = cluster.namespace("root-opt-in");
    cluster.apply(ns, trainingJob("opted-in", "  pod:\n    securityLevel: baseline\n"));

    TrainingJob done =
        cluster.awaitTrainingJob(
            ns,
            "opted-in",
            t -> assertThat(t.getStatus().getPhase()).isEqualTo(TrainingJobPhase.Succeeded));
    assertThat(done.getStatus().getPodSecurityLevel()).isEqualTo(PodSecurityLevel.baseline);
    assertThat(cluster.events(ns, "TrainingJob", "opted-in"))
        .anySatisfy(
            e -> {
              assertThat(e.getReason()).isEqualTo("PodSecurityBaseline");
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getMessage()).contains("baseline");
            });
  }

  private static String trainingJob(String name, String podOverrides) {
    return """
        apiVersion: kiln.dev/v1alpha1
        kind: TrainingJob
        metadata:
          name: %s
        spec:
          image: %s
          workspace:
            size: 1Gi
        %s"""
        .formatted(name, IMAGE, podOverrides);
  }
}
