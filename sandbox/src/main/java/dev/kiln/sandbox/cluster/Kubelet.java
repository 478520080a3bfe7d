package dev.kiln.sandbox.cluster;

import dev.kiln.operator.support.Times;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sandbox's only node: every pod that appears is run by a {@link PodRunner} on its own thread;
 * a deleted pod's containers are stopped, and then forgotten by the container runtime. Pods that
 * already ended are left alone.
 */
final class Kubelet implements ResourceEventHandler<Pod>, AutoCloseable {
  static final String NODE = "kiln-sandbox";

  private final Node node;
  private final Path podsDir;
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private record Running(PodRunner runner, Thread thread) {}

  /**
   * Runs the pods that appear on {@code node}, each in a folder of its own under {@code podsDir}.
   */
  Kubelet(Node node, Path podsDir) {
    this.node = node;
    this.podsDir = podsDir;
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
          PodRunner runner = new PodRunner(node, pod, dir);
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
      node.runtime().removePod(pod, r.thread());
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

  static String format(Instant instant) {
    return Times.format(instant);
  }
}
