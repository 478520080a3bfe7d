package dev.kiln.sandbox.cluster;

import dev.kiln.operator.support.Times;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sandbox's only node: every pod that appears is run by a {@link PodRunner} on its own thread;
 * a deleted pod's processes are stopped. Pods that already ended are left alone.
 */
final class Kubelet implements ResourceEventHandler<Pod>, AutoCloseable {
  static final String NODE = "kiln-sandbox";

  private final KubernetesClient client;
  private final LocalImages images;
  private final PodNetwork network;
  private final PodVolumes volumes;
  private final ContainerEnvironment environment;
  private final Path podsDir;
  private final Clock clock;
  private final ProcessLedger ledger;
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private record Running(PodRunner runner, Thread thread) {}

  Kubelet(
      KubernetesClient client,
      LocalImages images,
      PodNetwork network,
      VolumeProvisioner provisioner,
      Path podsDir,
      Clock clock,
      ProcessLedger ledger) {
    this.ledger = ledger;
    this.client = client;
    this.images = images;
    this.network = network;
    ConfigSources sources = new ConfigSources(client);
    this.volumes = new PodVolumes(client, sources, provisioner);
    this.environment = new ContainerEnvironment(sources);
    this.podsDir = podsDir;
    this.clock = clock;
  }

  void watch(SharedIndexInformer<Pod> pods) {
    pods.addEventHandler(this);
  }

  @Override
  public void onAdd(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if (closed || "Succeeded".equals(phase) || "Failed".equals(phase)) {
      return;
    }
    running.computeIfAbsent(
        pod.getMetadata().getUid(),
        uid -> {
          Path dir =
              podsDir
                  .resolve(pod.getMetadata().getNamespace())
                  .resolve(pod.getMetadata().getName());
          PodRunner runner = new PodRunner(this, pod, dir);
          Thread thread = new Thread(runner, "pod " + runner.name());
          thread.setDaemon(true);
          thread.start();
          return new Running(runner, thread);
        });
  }

  @Override
  public void onUpdate(Pod old, Pod pod) {}

  @Override
  public void onDelete(Pod pod, boolean finalStateUnknown) {
    Running r = running.remove(pod.getMetadata().getUid());
    if (r != null) {
      r.runner().stop();
    }
  }

  /** Stops every pod and waits until their processes are gone. */
  @Override
  public void close() {
    closed = true;
    running.values().forEach(r -> r.runner().stop());
    for (Running r : running.values()) {
      try {
        r.thread().join(40_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    running.clear();
  }

  KubernetesClient client() {
    return client;
  }

  LocalImages images() {
    return images;
  }

  PodNetwork network() {
    return network;
  }

  PodVolumes volumes() {
    return volumes;
  }

  ContainerEnvironment environment() {
    return environment;
  }

  ProcessLedger ledger() {
    return ledger;
  }

  Instant now() {
    return clock.instant();
  }

  static String format(Instant instant) {
    return Times.format(instant);
  }
}
