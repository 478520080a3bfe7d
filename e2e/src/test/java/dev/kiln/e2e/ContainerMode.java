package dev.kiln.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.containers.ContainerEngine;
import dev.kiln.sandbox.cluster.RuntimeChoice;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The sandbox's container mode for the e2e scenarios: the engine {@code images/engine/engine.sh}
 * finds, with the base images the scenario's images start from. The bases are made as the images
 * tier makes them, by {@code images/base/build-local-bases.sh}, which waits for a run already
 * making them (CI's, beside the build) and pulls or builds the missing ones. Without an engine, or
 * without debootstrap to build a base no registry has, a scenario that needs containers is skipped
 * naming what to install.
 */
final class ContainerMode {
  private static final Optional<ContainerEngine> ENGINE = ContainerEngine.detect(E2eCluster.ROOT);

  private ContainerMode() {}

  /** A container that ran for a pod, as the engine lists it. */
  record EngineContainer(String id, String image, String pod, String container, int exitCode) {}

  /**
   * The engine, with {@code bases} ({@code jre}, {@code python}) made; else the test is skipped.
   */
  static ContainerEngine required(String... bases) {
    assumeTrue(ENGINE.isPresent(), ContainerEngine.MISSING);
    Optional<String> missing = makeBases(bases);
    assumeTrue(missing.isEmpty(), missing.orElse(""));
    return ENGINE.orElseThrow();
  }

  /**
   * Container mode when this machine can have it ({@code bases} made), else host processes; says
   * which and why on the test's output. {@code -Dkiln.e2e.runtime=process} asks for processes.
   */
  static RuntimeChoice preferred(Class<?> suite, String... bases) {
    if ("process".equals(System.getProperty("kiln.e2e.runtime"))) {
      System.out.println("[e2e] " + suite.getSimpleName() + " runs pods as processes (asked)");
      return RuntimeChoice.PROCESS;
    }
    Optional<String> missing =
        ENGINE.isEmpty() ? Optional.of(ContainerEngine.MISSING) : makeBases(bases);
    if (missing.isPresent()) {
      System.out.println(
          "[e2e] " + suite.getSimpleName() + " runs pods as processes: " + missing.get());
      return RuntimeChoice.PROCESS;
    }
    return choice(ENGINE.orElseThrow());
  }

  /** The runtime choice that names the engine. */
  static RuntimeChoice choice(ContainerEngine engine) {
    return RuntimeChoice.valueOf(engine.name().toUpperCase(Locale.ROOT));
  }

  /** The containers the engine has for the pods of {@code namespace}, running or exited. */
  static List<EngineContainer> containers(ContainerEngine engine, String namespace) {
    List<String> ids =
        engine
            .check(
                Duration.ofMinutes(1),
                List.of(
                    "ps",
                    "-a",
                    "-q",
                    "--no-trunc",
                    "--filter",
                    "label=io.kubernetes.pod.namespace=" + namespace))
            .stdout()
            .lines()
            .map(String::strip)
            .filter(l -> !l.isEmpty())
            .toList();
    List<EngineContainer> out = new ArrayList<>();
    for (String id : ids) {
      String[] f =
          engine
              .check(
                  Duration.ofMinutes(1),
                  List.of(
                      "inspect",
                      "--format",
                      "{{.Id}}|{{.Config.Image}}|{{index .Config.Labels \"io.kubernetes.pod.name\"}}"
                          + "|{{index .Config.Labels \"io.kubernetes.container.name\"}}"
                          + "|{{.State.ExitCode}}",
                      id))
              .stdout()
              .strip()
              .split("\\|", -1);
      out.add(new EngineContainer(f[0], f[1], f[2], f[3], Integer.parseInt(f[4])));
    }
    return out;
  }

  /**
   * Every container of every pod in {@code pods} ran in the engine: its status names an engine
   * container ({@code podman://<id>}) that the engine has, labelled with the pod and container.
   */
  static void assertRanAsContainers(ContainerEngine engine, String namespace, List<Pod> pods) {
    List<EngineContainer> inEngine = containers(engine, namespace);
    assertThat(pods).as("pods").isNotEmpty();
    for (Pod pod : pods) {
      List<ContainerStatus> statuses = new ArrayList<>();
      if (pod.getStatus().getInitContainerStatuses() != null) {
        statuses.addAll(pod.getStatus().getInitContainerStatuses());
      }
      statuses.addAll(pod.getStatus().getContainerStatuses());
      for (ContainerStatus cs : statuses) {
        assertThat(cs.getContainerID())
            .as("pod %s container %s", pod.getMetadata().getName(), cs.getName())
            .startsWith(engine.name() + "://");
        String id = cs.getContainerID().substring(engine.name().length() + 3);
        assertThat(inEngine)
            .as("the engine's container of pod %s, %s", pod.getMetadata().getName(), cs.getName())
            .anySatisfy(
                c -> {
                  assertThat(c.id()).isEqualTo(id);
                  assertThat(c.pod()).isEqualTo(pod.getMetadata().getName());
                  assertThat(c.container()).isEqualTo(cs.getName());
                });
      }
    }
  }

  /** Makes the bases; empty when they are there, else what to install. */
  private static Optional<String> makeBases(String... bases) {
    if (bases.length == 0) {
      return Optional.empty();
    }
    ContainerEngine engine = ENGINE.orElseThrow();
    Map<String, String> env = new HashMap<>(engine.environment());
    env.put("KILN_ENGINE", engine.name());
    List<String> command =
        new ArrayList<>(
            List.of(
                "bash", E2eCluster.ROOT.resolve("images/base/build-local-bases.sh").toString()));
    command.addAll(List.of(bases));
    ContainerEngine.Result made = ContainerEngine.exec(command, env, Duration.ofMinutes(30));
    if (made.exitCode() == 3) {
      return Optional.of(
          "cannot make the base images "
              + String.join(", ", bases)
              + ": apt-get install debootstrap");
    }
    if (!made.ok()) {
      throw new IllegalStateException(
          "images/base/build-local-bases.sh "
              + String.join(" ", bases)
              + " failed:\n"
              + made.stderr());
    }
    return Optional.empty();
  }
}
