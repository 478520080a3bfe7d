package dev.kiln.sandbox.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A pod's container as the engine's create command: what the kubelet asks a runtime for. */
class EngineCreateTest {
  private static final Path POD = Path.of("/sandbox/pods/team/train-1-abcde");
  private static final Path CLAIM = Path.of("/sandbox/volumes/team/workspace");
  private static final Path TOKEN = POD.resolve("volumes/report-token");

  private static final EngineImage TRAINER =
      new EngineImage(
          "ghcr.io/kiln-dev/kiln-trainer:0.1.0",
          "0123abcd",
          "65532:65532",
          List.of("PATH=/usr/bin:/bin", "JAVA_HOME=/usr/lib/jvm/java-17"),
          List.of("java", "-jar", "/opt/kiln/kiln-trainer.jar"),
          List.of(),
          "/opt/kiln");

  /** A trainer pod as Kiln builds it: restricted, fsGroup, the workspace's subPaths, a Secret. */
  private static Pod pod(Container trainer) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("train-1-abcde")
        .withNamespace("team")
        .withUid("uid-1")
        .endMetadata()
        .withNewSpec()
        .withHostname("train-1-0")
        .withSubdomain("train-1")
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withFsGroup(65532L)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .addNewVolume()
        .withName("workspace")
        .withNewPersistentVolumeClaim()
        .withClaimName("workspace")
        .endPersistentVolumeClaim()
        .endVolume()
        .addNewVolume()
        .withName("report-token")
        .withNewSecret()
        .withSecretName("train-report")
        .endSecret()
        .endVolume()
        .withContainers(trainer)
        .endSpec()
        .build();
  }

  private static ContainerBuilder trainer() {
    return new ContainerBuilder()
        .withName("trainer")
        .withImage("ghcr.io/kiln-dev/kiln-trainer:0.1.0")
        .addNewVolumeMount()
        .withName("workspace")
        .withMountPath("/kiln/model")
        .withSubPath("model")
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("report-token")
        .withMountPath("/var/run/kiln/report")
        .endVolumeMount()
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext()
        .withNewResources()
        .withRequests(Map.of("cpu", new Quantity("250m")))
        .withLimits(Map.of("memory", new Quantity("512Mi"), "cpu", new Quantity("1500m")))
        .endResources();
  }

  private static List<String> args(
      EngineCreate create, Container c, EngineImage image, Map<String, String> env)
      throws StartupError {
    Pod pod = pod(c);
    ContainerRuntime.Launch launch =
        new ContainerRuntime.Launch(
            pod,
            c,
            "127.0.0.7",
            "train-1-0",
            env,
            Map.of("workspace", CLAIM, "report-token", TOKEN),
            POD,
            POD.resolve("trainer.log"),
            POD.resolve("trainer.termination-log"),
            2);
    // The sandbox's cluster DNS, as the test needs it: 0.0.0.0 is the pod's own address.
    return create.args(
        "k8s_trainer_train-1-abcde_team_uid-1_2",
        launch,
        image,
        v -> v.replace("0.0.0.0", "127.0.0.7"));
  }

  /** The values of every {@code flag value} pair. */
  private static List<String> values(List<String> args, String flag) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < args.size() - 1; i++) {
      if (args.get(i).equals(flag)) {
        out.add(args.get(i + 1));
      }
    }
    return out;
  }

  @Test
  void aRestrictedPodsContainerRunsAsTheKubeletWouldRunIt() throws Exception {
    EngineCreate podman = new EngineCreate("podman", "/sandbox", true);
    List<String> a = args(podman, trainer().build(), TRAINER, Map.of("KILN_ATTEMPT", "1"));

    assertThat(a.subList(0, 6))
        .as("no image HEALTHCHECK: the kubelet probes as the pod says")
        .containsExactly(
            "create",
            "--name",
            "k8s_trainer_train-1-abcde_team_uid-1_2",
            "--pull",
            "never",
            "--no-healthcheck");
    assertThat(values(a, "--label"))
        .containsExactly(
            "io.kubernetes.pod.name=train-1-abcde",
            "io.kubernetes.pod.namespace=team",
            "io.kubernetes.pod.uid=uid-1",
            "io.kubernetes.container.name=trainer",
            "dev.kiln.sandbox=/sandbox");
    assertThat(values(a, "--network")).containsExactly("host");
    assertThat(values(a, "--hostname")).containsExactly("train-1-0");
    assertThat(values(a, "--add-host"))
        .as("the pod's /etc/hosts: its name and its DNS name at its address")
        .containsExactly(
            "train-1-0.train-1.team.svc.cluster.local:127.0.0.7", "train-1-0:127.0.0.7");
    assertThat(values(a, "--user")).as("the image's user, as no runAsUser is set").isEmpty();
    assertThat(values(a, "--group-add")).containsExactly("65532");
    assertThat(values(a, "--cap-drop")).containsExactly("ALL");
    assertThat(values(a, "--security-opt"))
        .as("RuntimeDefault is the engine's own profile")
        .containsExactly("no-new-privileges");
    assertThat(a).contains("--read-only", "--read-only-tmpfs=false");
    assertThat(values(a, "--memory")).containsExactly("536870912");
    assertThat(values(a, "--memory-swap"))
        .as("no swap, as the kubelet")
        .containsExactly("536870912");
    assertThat(values(a, "--cpus")).containsExactly("1.5");
    assertThat(values(a, "--cpu-shares")).containsExactly("256");
    assertThat(values(a, "--mount"))
        .containsExactly(
            "type=bind,source=/sandbox/volumes/team/workspace/model,destination=/kiln/model",
            "type=bind,source=" + TOKEN + ",destination=/var/run/kiln/report,readonly",
            "type=bind,source="
                + POD.resolve("trainer.termination-log")
                + ",destination=/dev/termination-log");
    assertThat(values(a, "--env")).containsExactly("KILN_ATTEMPT=1", "KILN_HOST=127.0.0.7");
    assertThat(a.subList(a.indexOf("--entrypoint"), a.size()))
        .as("the image's command, explicit")
        .containsExactly(
            "--entrypoint",
            "[\"java\"]",
            "ghcr.io/kiln-dev/kiln-trainer:0.1.0",
            "-jar",
            "/opt/kiln/kiln-trainer.jar");
  }

  @Test
  void commandAndArgsFollowKubernetesRulesWithVariablesAndAddressesResolved() throws Exception {
    EngineImage server =
        new EngineImage(
            "registry.example/server:1",
            "feed",
            "65532",
            List.of("HOST=0.0.0.0", "PORT=8080"),
            List.of("python"),
            List.of("serve.py"),
            "/app");
    EngineCreate podman = new EngineCreate("podman", "/sandbox", true);
    Container onlyArgs =
        new ContainerBuilder().withName("server").withArgs("serve.py", "--port=$(PORT)").build();
    List<String> a = args(podman, onlyArgs, server, Map.of("PORT", "9000"));
    assertThat(values(a, "--env"))
        .as("an image ENV value naming 0.0.0.0 gets the pod's address; the pod's env is passed")
        .containsExactly("HOST=127.0.0.7", "PORT=9000", "KILN_HOST=127.0.0.7");
    assertThat(a.subList(a.indexOf("--entrypoint") + 1, a.size()))
        .as("args replace CMD, ENTRYPOINT stays")
        .containsExactly("[\"python\"]", "registry.example/server:1", "serve.py", "--port=9000");

    Container ownCommand =
        new ContainerBuilder()
            .withName("server")
            .withCommand("uvicorn", "app:app", "--host", "0.0.0.0")
            .build();
    assertThat(args(podman, ownCommand, server, Map.of()))
        .as("command replaces ENTRYPOINT and the image's CMD")
        .endsWith("[\"uvicorn\"]", "registry.example/server:1", "app:app", "--host", "127.0.0.7");

    EngineImage none = new EngineImage("x:1", "f", "", List.of(), List.of(), List.of(), "");
    assertThatThrownBy(() -> args(podman, onlyArgs.edit().withArgs().build(), none, Map.of()))
        .isInstanceOf(StartupError.class)
        .hasMessageContaining("no command specified");
  }

  @Test
  void runAsUserAndGroupAndSupplementalGroupsBecomeTheContainersUser() throws Exception {
    EngineCreate podman = new EngineCreate("podman", "/sandbox", true);
    Container asUser =
        trainer()
            .editSecurityContext()
            .withRunAsUser(1000L)
            .withRunAsGroup(3000L)
            .endSecurityContext()
            .build();
    assertThat(values(args(podman, asUser, TRAINER, Map.of()), "--user"))
        .containsExactly("1000:3000");

    Container onlyGroup =
        trainer().editSecurityContext().withRunAsGroup(3000L).endSecurityContext().build();
    assertThat(values(args(podman, onlyGroup, TRAINER, Map.of()), "--user"))
        .as("the image's user with the pod's group")
        .containsExactly("65532:3000");
  }

  @Test
  void withoutLimitsSupportAndOnDockerTheEnginesOwnFlags() throws Exception {
    EngineCreate docker = new EngineCreate("docker", "/sandbox", false);
    List<String> a = args(docker, trainer().build(), TRAINER, Map.of());
    assertThat(a)
        .doesNotContain(
            "--memory", "--cpus", "--cpu-shares", "--read-only-tmpfs=false", "--hostname");
    assertThat(values(a, "--env"))
        .as("docker takes no host name on the host's network")
        .contains("HOSTNAME=train-1-0");
    assertThat(values(a, "--entrypoint")).containsExactly("java");
  }

  @Test
  void withoutASeccompProfileTheContainerIsUnconfinedAsTheKubeletDefaults() throws Exception {
    EngineCreate podman = new EngineCreate("podman", "/sandbox", true);
    Pod pod = pod(trainer().build());
    pod.getSpec().getSecurityContext().setSeccompProfile(null);
    Container c = pod.getSpec().getContainers().get(0);
    ContainerRuntime.Launch launch =
        new ContainerRuntime.Launch(
            pod,
            c,
            "127.0.0.7",
            "h",
            Map.of(),
            Map.of("workspace", CLAIM, "report-token", TOKEN),
            POD,
            POD.resolve("l"),
            POD.resolve("t"),
            0);
    assertThat(values(podman.args("n", launch, TRAINER, v -> v), "--security-opt"))
        .contains("seccomp=unconfined");

    c.getSecurityContext()
        .setSeccompProfile(
            new io.fabric8.kubernetes.api.model.SeccompProfile("p.json", "Localhost"));
    assertThatThrownBy(() -> podman.args("n", launch, TRAINER, v -> v))
        .hasMessageContaining("seccompProfile type Localhost");
  }
}
