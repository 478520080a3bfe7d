package dev.kiln.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.ModelServerPhase;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.containers.ContainerEngine;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sandbox in container mode: every pod's containers are real containers of podman (or docker)
 * built from Kiln's Dockerfiles, with the pod's user, mounts, security settings and limits. Skipped
 * without an engine, naming what to install (podman and runc).
 */
class ContainerModeIT {
  /** A stock JRE image without USER: it runs as root, as most public images do. */
  static final String ROOT_ONLY = "registry.example/e2e/root-only-jre:1";

  private static ContainerEngine engine;
  private static E2eCluster cluster;

  @BeforeAll
  static void start() {
    assumeTrue(
        System.getProperty("kiln.e2e.kubeconfig") == null
            && System.getenv("KILN_E2E_KUBECONFIG") == null,
        "the sandbox's container mode; a real cluster runs containers anyway");
    engine = ContainerMode.required("jre");
    cluster =
        E2eCluster.start(
            ContainerModeIT.class,
            Map.of(ROOT_ONLY, "e2e/src/test/resources/images/root-only-jre"),
            ContainerMode.choice(engine));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void theQuickstartTrainsAndServesWithEveryPodARealContainer() throws Exception {
    assertThat(cluster.sandbox().runtime().describe()).startsWith(engine.name() + " containers");
    String ns = cluster.namespace("containers-quickstart");
    cluster.applyFile(ns, E2eCluster.ROOT.resolve("examples/quickstart.yaml"));

    TrainingJob tj =
        cluster.awaitTrainingJob(
            ns,
            "iris-quickstart",
            t -> assertThat(t.getStatus().getPhase()).isEqualTo(TrainingJobPhase.Succeeded));
    assertThat(Double.parseDouble(tj.getStatus().getMetrics().get("accuracy")))
        .isGreaterThanOrEqualTo(0.9);
    assertThat(tj.getStatus().getArtifact().getSha256())
        .as("the termination message the trainer wrote to /dev/termination-log")
        .matches("[0-9a-f]{64}");
    assertThat(tj.getStatus().getProgress().getEpoch()).isEqualTo(20);

    ModelServer ms =
        cluster.awaitModelServer(
            ns,
            "iris-quickstart",
            m -> assertThat(m.getStatus().getPhase()).isEqualTo(ModelServerPhase.Ready));
    assertThat(ms.getStatus().getModel().getSha256())
        .isEqualTo(tj.getStatus().getArtifact().getSha256());
    URI base = cluster.reach(URI.create(ms.getStatus().getUrl()));
    // Fisher's first flower (a setosa), through the Service to the server's container.
    double[] scores = Inference.classify(base, "iris-quickstart", 1.4, 0.2, 5.1, 3.5);
    assertThat(Arrays.stream(scores).sum()).isCloseTo(1.0, within(1e-3));
    assertThat(Arrays.stream(scores).max().getAsDouble()).isGreaterThan(0.9);

    List<Pod> pods = cluster.client().pods().inNamespace(ns).list().getItems();
    ContainerMode.assertRanAsContainers(engine, ns, pods);
    assertThat(ContainerMode.containers(engine, ns))
        .as("the trainer's and the server's containers, from Kiln's images")
        .anySatisfy(
            c -> {
              assertThat(c.container()).isEqualTo("trainer");
              assertThat(c.image()).contains("kiln-trainer");
              assertThat(c.exitCode()).isZero();
            })
        .anySatisfy(c -> assertThat(c.image()).contains("kiln-model-server"));

    Pod trainer =
        pods.stream()
            .filter(p -> p.getMetadata().getName().startsWith("iris-quickstart-1"))
            .findFirst()
            .orElseThrow();
    assertThat(cluster.log(ns, trainer, "trainer"))
        .as("kubectl logs: what the container printed")
        .contains("kiln-trainer:");
  }

  @Test
  void aRootOnlyImageIsRefusedAsTheKubeletRefusesIt() {
    String ns = cluster.namespace("containers-root-only");
    List<ContainerStatus> seen = new CopyOnWriteArrayList<>();
    try (Watch watch = cluster.client().pods().inNamespace(ns).watch(recordingInto(seen))) {
      cluster.apply(ns, trainingJob("as-root", ROOT_ONLY, ""));

      TrainingJob failed =
          cluster.awaitTrainingJob(
              ns,
              "as-root",
              t -> assertThat(t.getStatus().getPhase()).isEqualTo(TrainingJobPhase.Failed));
      assertThat(failed.getStatus().getFailure().getReason()).isEqualTo("ImageRunsAsRoot");
      assertThat(seen)
          .as("the kubelet's refusal, from the image's User as the engine reports it")
          .anySatisfy(
              cs -> {
                ContainerStateWaiting waiting = cs.getState().getWaiting();
                assertThat(waiting.getReason()).isEqualTo("CreateContainerConfigError");
                assertThat(waiting.getMessage())
                    .startsWith("container has runAsNonRoot and image will run as root (pod: ")
                    .endsWith(", container: trainer)");
              });
    }
    assertThat(ContainerMode.containers(engine, ns))
        .as("no container was created for the refused image")
        .noneSatisfy(c -> assertThat(c.image()).contains("root-only-jre"));
  }

  @Test
  void aTrainerOverItsMemoryLimitIsOomKilled() {
    assumeTrue(
        cluster.sandbox().runtime().describe().contains("limits enforced"),
        engine.name() + " cannot enforce memory limits here (rootless on cgroup v1)");
    String ns = cluster.namespace("containers-oom");
    // The reference trainer, told to touch a 300 MiB heap at start, under a 128 MiB limit.
    cluster.apply(
        ns,
        trainingJob(
            "over-limit",
            "ghcr.io/kiln-dev/kiln-trainer:0.1.0",
            """
              backoffLimit: 0
              env:
              - name: JAVA_TOOL_OPTIONS
                value: -Xms300m -Xmx300m -XX:+AlwaysPreTouch
              resources:
                limits:
                  memory: 128Mi
            """));

    TrainingJob failed =
        cluster.awaitTrainingJob(
            ns,
            "over-limit",
            t -> assertThat(t.getStatus().getPhase()).isEqualTo(TrainingJobPhase.Failed));
    assertThat(failed.getStatus().getFailure().getReason()).isEqualTo("OOMKilled");
    assertThat(failed.getStatus().getFailure().getExitCode()).isEqualTo(137);
    assertThat(failed.getStatus().getFailure().getMessage())
        .startsWith("container trainer was killed for exceeding its memory limit");
    ContainerStateTerminated end =
        cluster.pods(ns, "job-name", "over-limit-1").stream()
            .flatMap(p -> p.getStatus().getContainerStatuses().stream())
            .map(cs -> cs.getState().getTerminated())
            .filter(Objects::nonNull)
            .findFirst()
            .orElseThrow();
    assertThat(end.getReason()).isEqualTo("OOMKilled");
    assertThat(end.getExitCode()).isEqualTo(137);
  }

  @Test
  void aCommandTheImageLacksEndsWithTheRuntimesStartError() {
    String ns = cluster.namespace("containers-start-error");
    cluster.apply(
        ns,
        trainingJob(
            "no-such-program",
            "ghcr.io/kiln-dev/kiln-trainer:0.1.0",
            """
              backoffLimit: 0
              command: ["no-such-program"]
            """));

    TrainingJob failed =
        cluster.awaitTrainingJob(
            ns,
            "no-such-program",
            t -> assertThat(t.getStatus().getPhase()).isEqualTo(TrainingJobPhase.Failed));
    assertThat(failed.getStatus().getFailure().getExitCode()).isEqualTo(128);
    ContainerStateTerminated end =
        cluster.pods(ns, "job-name", "no-such-program-1").stream()
            .flatMap(p -> p.getStatus().getContainerStatuses().stream())
            .map(cs -> cs.getState().getTerminated())
            .filter(Objects::nonNull)
            .findFirst()
            .orElseThrow();
    assertThat(end.getReason()).isEqualTo("StartError");
    assertThat(end.getExitCode()).isEqualTo(128);
    assertThat(end.getMessage()).contains("no-such-program").contains("not found");
  }

  private static String trainingJob(String name, String image, String more) {
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
        .formatted(name, image, more);
  }

  private static Watcher<Pod> recordingInto(List<ContainerStatus> seen) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, Pod pod) {
        if (pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null) {
          pod.getStatus().getContainerStatuses().stream()
              .filter(cs -> cs.getState() != null && cs.getState().getWaiting() != null)
              .forEach(seen::add);
        }
      }

      @Override
      public void onClose(WatcherException cause) {
        // the test closes the watch
      }
    };
  }
}
