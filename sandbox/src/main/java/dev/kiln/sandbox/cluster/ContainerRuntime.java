package dev.kiln.sandbox.cluster;

import dev.kiln.containers.ContainerEngine;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How the sandbox's kubelet runs a container, as a kubelet talks to its container runtime: as a
 * process of this machine (the JDK-only fallback, {@link HostProcesses}) or as a real container of
 * podman or docker ({@link EngineContainers}). {@link #choose} picks one for {@code --runtime}.
 */
public abstract class ContainerRuntime implements AutoCloseable {
  ContainerRuntime() {}

  /** How pods run, for the sandbox's startup line ({@code podman containers (runc), …}). */
  public abstract String describe();

  /** The container engine pods run in; empty for host processes. */
  public Optional<ContainerEngine> engine() {
    return Optional.empty();
  }

  /** The container's image, as the kubelet pulls it; ErrImagePull when there is none. */
  abstract PulledImage pull(Node node, Container container) throws StartupError;

  /** Starts the container from its pulled image; its output goes to {@code launch.log()}. */
  abstract RunningContainer start(Node node, Launch launch, PulledImage image)
      throws StartupError, IOException;

  /** What the kubelet does to a pod's volumes before its containers mount them (fsGroup). */
  void prepareVolumes(Pod pod, Map<String, Path> volumes) throws IOException {}

  /** Forgets a deleted pod's containers, once {@code runner} (its thread) has stopped them. */
  void removePod(Pod pod, Thread runner) {}

  /** Removes what the runtime keeps for the sandbox's pods (the engine's exited containers). */
  @Override
  public void close() {}

  /**
   * One container start: the pod, the container, the pod's address and host name, the container's
   * resolved environment, the pod's volumes (name to folder), where its log and termination message
   * go, and how many times it ran before.
   */
  record Launch(
      Pod pod,
      Container container,
      String podIp,
      String hostname,
      Map<String, String> env,
      Map<String, Path> volumes,
      Path podDir,
      Path log,
      Path terminationLog,
      int attempt) {

    String podName() {
      return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }
  }

  /** Pods as processes of this machine; {@code why} says why, on the startup line. */
  public static ContainerRuntime hostProcesses(String why) {
    return new HostProcesses(why);
  }

  /**
   * The runtime {@code choice} asks for, ready to run pods: for an engine, Kiln's reference images
   * built from the jars ({@code images/build.sh}) and the user's images built from their contexts.
   * {@code auto} takes the engine {@code images/engine/engine.sh} finds, and host processes when
   * there is none or it cannot build the images ({@code notices} hears why); podman or docker asked
   * for by name must work.
   *
   * @param root the repository
   * @param dir the sandbox's folder (its engine containers carry it as a label)
   * @param images the reference images and the user's ({@code --image})
   * @throws IllegalStateException naming what is missing or failed, for an engine asked for by name
   */
  public static ContainerRuntime choose(
      RuntimeChoice choice, Path root, Path dir, LocalImages images, Consumer<String> notices) {
    if (choice == RuntimeChoice.PROCESS) {
      return hostProcesses("--runtime=process");
    }
    Optional<ContainerEngine> engine =
        ContainerEngine.detect(root, choice == RuntimeChoice.AUTO ? null : choice.option());
    if (engine.isEmpty()) {
      if (choice == RuntimeChoice.PODMAN) {
        throw new IllegalStateException(
            "--runtime=podman: no podman here: install podman and runc (apt-get install podman"
                + " runc)");
      }
      if (choice == RuntimeChoice.DOCKER) {
        throw new IllegalStateException(
            "--runtime=docker: no docker client whose daemon answers: install docker and start"
                + " its daemon");
      }
      return hostProcesses(ContainerEngine.MISSING + " to run pods as containers");
    }
    try {
      return EngineContainers.open(engine.get(), root, dir, images, notices);
    } catch (IllegalStateException e) {
      if (choice != RuntimeChoice.AUTO) {
        throw e;
      }
      notices.accept(
          "pods run as processes of this machine: "
              + engine.get().name()
              + " cannot run them: "
              + e.getMessage());
      return hostProcesses(engine.get().name() + " could not build the images");
    }
  }
}
