package dev.kiln.operator.it;

import static dev.kiln.operator.it.ModelServerHelper.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.api.v1alpha1.ModelServerPhase;
import dev.kiln.api.v1alpha1.ModelServerStatus;
import dev.kiln.api.v1alpha1.ModelSource;
import dev.kiln.api.v1alpha1.PodOverrides;
import dev.kiln.api.v1alpha1.PodSecurityLevel;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.api.v1alpha1.TrainingJobStatus;
import dev.kiln.operator.KilnOperator;
import dev.kiln.operator.support.KubeletRefusals;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Root images against a real operator: refused ones fail fast with the way to opt in, and an opt-in
 * says which Pod Security level the namespace must admit.
 */
class PodSecurityIT {
  static {
    org.awaitility.Awaitility.ignoreExceptionsByDefault();
  }

  static final Duration WAIT = Duration.ofSeconds(20);
  private KilnTestCluster cluster;
  private ModelServerHelper k;
  private KilnOperator operator;

  @BeforeEach
  void start() {
    cluster = new KilnTestCluster();
    k = new ModelServerHelper(cluster);
    operator = cluster.startOperator(Map.of());
  }

  @AfterEach
  void stop() {
    operator.close();
    cluster.close();
  }

  @Test
  void aRootImageFailsTheRunAtOnceNotAfterTheStartupDeadline() {
    cluster.client().resource(TrainingJobs.basic("rooty")).create();
    await().atMost(WAIT).until(() -> !cluster.jobs().isEmpty());
    cluster.jobActive("rooty-1");
    cluster.pod(
        "rooty", "rooty-1-abc", KubeletRefusals.refused("trainer", KubeletRefusals.RUNS_AS_ROOT));

    // The default startup deadline is 600 s: failing within the wait proves it was not waited out.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              TrainingJobStatus s = cluster.get("rooty").getStatus();
              assertThat(s.getPhase()).isEqualTo(TrainingJobPhase.Failed);
              assertThat(s.getFailure().getReason()).isEqualTo("ImageRunsAsRoot");
              assertThat(s.getFailure().getMessage())
                  .contains(KubeletRefusals.IMAGE, "spec.pod.securityLevel: baseline");
              assertThat(s.getPodSecurityLevel()).isEqualTo(PodSecurityLevel.restricted);
              assertThat(cluster.jobs().get(0).getSpec().getSuspend()).as("pods stopped").isTrue();
            });
    assertThat(cluster.events("rooty"))
        .anySatisfy(
            e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getReason()).isEqualTo("ImageRunsAsRoot");
            });
  }

  @Test
  void theBaselineOptInRunsAsRootAndSaysWhatTheNamespaceMustAdmit() {
    TrainingJob tj = TrainingJobs.basic("torch");
    tj.getSpec()
        .setPod(
            PodOverrides.builder()
                .securityLevel(PodSecurityLevel.baseline)
                .runAsUser(0L)
                .sharedMemory("1Gi")
                .build());
    cluster.client().resource(tj).create();

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(cluster.get("torch").getStatus().getPodSecurityLevel())
                    .isEqualTo(PodSecurityLevel.baseline));
    PodSpec pod = cluster.jobs().get(0).getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isNull();
    assertThat(pod.getContainers().get(0).getSecurityContext().getRunAsUser()).isZero();
    assertThat(cluster.events("torch"))
        .filteredOn(e -> "PodSecurityBaseline".equals(e.getReason()))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getMessage()).contains("may run as root", "baseline Pod Security level");
            });
  }

  @Test
  void anOverrideCollidingWithKilnFailsOnceNamingTheFieldWithoutAJob() {
    TrainingJob tj = TrainingJobs.basic("clash");
    tj.getSpec().setPod(PodOverrides.builder().labels(Map.of("kiln.dev/trainingjob", "x")).build());
    cluster.client().resource(tj).create();

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              TrainingJobStatus s = cluster.get("clash").getStatus();
              assertThat(s.getPhase()).isEqualTo(TrainingJobPhase.Failed);
              assertThat(s.getFailure().getReason()).isEqualTo("InvalidSpec");
              assertThat(s.getFailure().getMessage())
                  .contains("spec.pod.labels: key 'kiln.dev/trainingjob' is set by Kiln");
            });
    assertThat(cluster.jobs()).isEmpty();
  }

  @Test
  void aModelServerWhoseImageRunsAsRootFailsWithTheOptInAndTheOptInIsAnnounced() {
    var ms =
        server("fastapi", ModelSource.builder().uri("pvc://models/iris/").format("pkl").build());
    ms.getSpec().setImage(KubeletRefusals.IMAGE);
    cluster.client().resource(ms).create();
    await().atMost(WAIT).until(() -> k.deployment("fastapi") != null);
    k.serverPod(
        "fastapi",
        "fastapi-1",
        KubeletRefusals.refused("server", KubeletRefusals.RUNS_AS_ROOT),
        false);
    k.deploymentStatus("fastapi", 0);

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ModelServerStatus s = k.get("fastapi").getStatus();
              assertThat(s.getPhase()).isEqualTo(ModelServerPhase.Failed);
              assertThat(s.getFailure().getReason()).isEqualTo("ImageRunsAsRoot");
              assertThat(s.getFailure().getMessage()).contains("spec.pod.runAsUser");
              assertThat(s.getPodSecurityLevel()).isEqualTo(PodSecurityLevel.restricted);
            });

    var optIn = k.get("fastapi");
    optIn.getSpec().setPod(PodOverrides.builder().securityLevel(PodSecurityLevel.baseline).build());
    cluster.client().resource(optIn).update();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(k.get("fastapi").getStatus().getPodSecurityLevel())
                  .isEqualTo(PodSecurityLevel.baseline);
              assertThat(cluster.events("fastapi"))
                  .extracting(Event::getReason)
                  .contains("PodSecurityBaseline");
            });
  }
}
