package dev.kiln.sandbox.cluster;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a pod's containers as the kubelet would: the volumes laid out once, the image pulled, the
 * environment resolved, {@code runAsNonRoot} checked against the image's user, the container
 * started by the node's {@link ContainerRuntime}, the probes set; a container that cannot start
 * gets the kubelet's reason (ErrImagePull, CreateContainerConfigError, CreateContainerError).
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
        Map<String, Path> prepared = node.volumes().prepare(pod, ip, dir);
        node.runtime().prepareVolumes(pod, prepared);
        volumes = prepared;
      }
      PulledImage image = node.runtime().pull(node, c.spec);
      Map<String, String> env = node.environment().resolve(pod, c.spec, ip);
      RunAsNonRoot.verify(pod, c.spec, image.user());
      ContainerRuntime.Launch launch =
          new ContainerRuntime.Launch(
              pod, c.spec, ip, hostname(), env, volumes, dir, c.log, c.terminationLog, c.attempt());
      c.started(node.runtime().start(node, launch, image), image.imageId(), now);
      c.setProbers(
          prober(c.spec.getStartupProbe(), c.spec, ip, now),
          prober(c.spec.getReadinessProbe(), c.spec, ip, now),
          prober(c.spec.getLivenessProbe(), c.spec, ip, now));
      log.info("pod {}: started container {} ({})", podName, c.spec.getName(), image.imageId());
    } catch (StartupError e) {
      c.cannotStart(e, now);
    } catch (IllegalArgumentException e) { // a mount that names no volume
      c.cannotStart(new StartupError("CreateContainerConfigError", e.getMessage()), now);
    } catch (IOException e) {
      c.cannotStart(new StartupError("CreateContainerError", e.getMessage()), now);
    }
  }

  /** The pod's host name: {@code spec.hostname} (an Indexed Job's pod), else its name. */
  private String hostname() {
    String hostname = pod.getSpec().getHostname();
    return hostname == null || hostname.isEmpty() ? pod.getMetadata().getName() : hostname;
  }

  private static Prober prober(Probe probe, Container c, String ip, Instant now) {
    return probe == null ? null : new Prober(probe, c, ip, now);
  }
}
