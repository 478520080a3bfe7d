package dev.kiln.sandbox.cluster;

import io.fabric8.kubernetes.api.model.Container;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Containers as processes of this machine, the sandbox's JDK-only mode: the reference images' java
 * programs with this JDK, the user's images with this machine's Python, their mounts as a folder of
 * links ({@link ContainerRoot}) and their paths and cluster names moved onto this machine ({@link
 * ContainerSite}, {@link ContainerCommand}).
 */
final class HostProcesses extends ContainerRuntime {
  private static final Logger log = LoggerFactory.getLogger(HostProcesses.class);

  private final String why;

  HostProcesses(String why) {
    this.why = why;
  }

  @Override
  public String describe() {
    return "processes of this machine (" + why + ")";
  }

  @Override
  PulledImage pull(Node node, Container container) throws StartupError {
    return node.images().pull(container.getImage());
  }

  @Override
  RunningContainer start(Node node, Launch launch, PulledImage pulled)
      throws StartupError, IOException {
    LocalImage image = (LocalImage) pulled;
    Container c = launch.container();
    ContainerRoot root =
        new ContainerRoot(
            launch.podDir().resolve("root-" + c.getName()),
            c.getVolumeMounts() == null ? List.of() : c.getVolumeMounts(),
            launch.volumes());
    ContainerSite site =
        new ContainerSite(
            launch.hostname(), launch.podIp(), root, node.dns(), launch.terminationLog());
    ContainerCommand command =
        ContainerCommand.of(c, image, launch.env(), site, node.imports().python());
    if (image.launcher() == LocalImage.Launcher.PYTHON) {
      command = checkHost(node, launch, command);
    }
    Files.deleteIfExists(launch.terminationLog());
    Files.createDirectories(launch.log().getParent());
    ProcessBuilder pb =
        new ProcessBuilder(command.argv())
            .directory(command.workdir().toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(launch.log().toFile()));
    pb.environment().clear();
    pb.environment().putAll(command.env());
    Process process = pb.start();
    node.ledger().started(process);
    return new HostProcess(process);
  }

  /**
   * The command, or, when this machine lacks what it needs, one that fails saying so (as the
   * container would fail on a cluster whose image lacked it); the sandbox's user is told too.
   */
  private static ContainerCommand checkHost(Node node, Launch launch, ContainerCommand command) {
    Optional<HostGap> gap = node.imports().check(command);
    if (gap.isEmpty()) {
      return command;
    }
    log.warn(
        "pod {}: container {}: {}",
        launch.podName(),
        launch.container().getName(),
        gap.get().notice());
    node.notices().accept("image " + launch.container().getImage() + ": " + gap.get().notice());
    return gap.get().failing(command);
  }

  /** A container's process, and the processes it started. */
  private record HostProcess(Process process) implements RunningContainer {
    @Override
    public String id() {
      return "sandbox://" + process.pid();
    }

    @Override
    public boolean alive() {
      return process.isAlive();
    }

    @Override
    public Exit exit() {
      return Exit.of(process.exitValue());
    }

    @Override
    public void stop(Duration grace) {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
      try {
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
