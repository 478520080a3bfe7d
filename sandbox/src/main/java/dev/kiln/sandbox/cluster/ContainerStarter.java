package dev.kiln.sandbox.cluster;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a pod's containers as the kubelet would: the volumes laid out once, the image pulled, the
 * command and environment resolved, {@code runAsNonRoot} checked against the image's user, the
 * probes set; a container that cannot start gets the kubelet's reason (ErrImagePull,
 * CreateContainerConfigError, CreateContainerError).
 */
final class ContainerStarter {
  private static final Logger log = LoggerFactory.getLogger(ContainerStarter.class);

  private final Node node;
  private final Pod pod;
  private final Path dir;
  private final String podName;
  private Map<String, Path> volumes;

  ContainerStarter(Node node, Pod pod, Path dir) {
    this.node = node;
    this.pod = pod;
    this.dir = dir;
    this.podName = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  /** Starts the container, or records why it cannot start. */
  void start(ContainerRun c, String ip, Instant now) {
    try {
      if (volumes == null) {
        volumes = node.volumes().prepare(pod, ip, dir);
      }
      LocalImage image = node.images().pull(c.spec.getImage());
      Map<String, String> env = node.environment().resolve(pod, c.spec, ip);
      RunAsNonRoot.verify(pod, c.spec, image.user());
      ContainerRoot root =
          new ContainerRoot(
              dir.resolve("root-" + c.spec.getName()), list(c.spec.getVolumeMounts()), volumes);
      ContainerSite site = new ContainerSite(hostname(), ip, root, node.dns(), c.terminationLog);
      ContainerCommand command =
          ContainerCommand.of(c.spec, image, env, site, node.imports().python());
      if (image.launcher() == LocalImage.Launcher.PYTHON) {
        command = checkHost(c, command);
      }
      node.ledger().started(c.start(command, now));
      c.setProbers(
          prober(c.spec.getStartupProbe(), c.spec, ip, now),
          prober(c.spec.getReadinessProbe(), c.spec, ip, now),
          prober(c.spec.getLivenessProbe(), c.spec, ip, now));
      log.info("pod {}: started container {} ({})", podName, c.spec.getName(), image.reference());
    } catch (StartupError e) {
      c.cannotStart(e, now);
    } catch (IllegalArgumentException e) { // a mount that names no volume
      c.cannotStart(new StartupError("CreateContainerConfigError", e.getMessage()), now);
    } catch (IOException e) {
      c.cannotStart(new StartupError("CreateContainerError", e.getMessage()), now);
    }
  }

  /**
   * The command, or, when this machine lacks what it needs, one that fails saying so (as the
   * container would fail on a cluster whose image lacked it); the sandbox's user is told too.
   */
  private ContainerCommand checkHost(ContainerRun c, ContainerCommand command) {
    Optional<HostGap> gap = node.imports().check(command);
    if (gap.isEmpty()) {
      return command;
    }
    log.warn("pod {}: container {}: {}", podName, c.spec.getName(), gap.get().notice());
    node.notices().accept("image " + c.spec.getImage() + ": " + gap.get().notice());
    return gap.get().failing(command);
  }

  /** The pod's host name: {@code spec.hostname} (an Indexed Job's pod), else its name. */
  private String hostname() {
    String hostname = pod.getSpec().getHostname();
    return hostname == null || hostname.isEmpty() ? pod.getMetadata().getName() : hostname;
  }

  private static Prober prober(Probe probe, Container c, String ip, Instant now) {
    return probe == null ? null : new Prober(probe, c, ip, now);
  }

  private static <T> List<T> list(List<T> list) {
    return list == null ? List.of() : list;
  }
}
