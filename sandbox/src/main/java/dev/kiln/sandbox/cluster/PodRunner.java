package dev.kiln.sandbox.cluster;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one pod from its creation to its end, on its own thread: waits for its claims (else
 * Unschedulable), lays out its volumes, runs the init containers one after the other and then the
 * containers, restarts them per {@code restartPolicy}, probes them, and writes the pod status
 * whenever it changes. Stopping it (the pod was deleted, or the sandbox stops) stops its
 * containers: SIGTERM, then SIGKILL after the grace period.
 */
final class PodRunner implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(PodRunner.class);
  private static final Duration TICK = Duration.ofMillis(200);

  private final Node node;
  private final Pod pod;
  private final String restartPolicy;
  private final List<ContainerRun> init = new ArrayList<>();
  private final List<ContainerRun> main = new ArrayList<>();
  private final PodState state = new PodState();
  private final ContainerStarter starter;
  private volatile boolean stopping;
  private String written;

  PodRunner(Node node, Pod pod, Path dir) {
    this.node = node;
    this.pod = pod;
    this.restartPolicy = Objects.requireNonNullElse(pod.getSpec().getRestartPolicy(), "Always");
    this.starter = new ContainerStarter(node, pod, dir);
    for (Container c : list(pod.getSpec().getInitContainers())) {
      init.add(new ContainerRun(c, dir));
    }
    for (Container c : pod.getSpec().getContainers()) {
      main.add(new ContainerRun(c, dir));
    }
  }

  String name() {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  /** Asks the pod to stop; {@link #run} kills its processes and returns. */
  void stop() {
    stopping = true;
  }

  @Override
  public void run() {
    try {
      state.ip = address();
      state.startTime = Kubelet.format(node.now());
      condition("PodScheduled", false, null, null);
      schedule();
      condition("PodScheduled", true, null, null);
      condition("Initialized", init.isEmpty(), null, null);
      condition("ContainersReady", false, null, null);
      condition("Ready", false, null, null);
      write();
      for (ContainerRun c : init) {
        if (!runToCompletion(c)) {
          state.phase = "Failed";
          write();
          return;
        }
      }
      condition("Initialized", true, null, null);
      runContainers();
      write();
    } catch (Stopped e) {
      // deleted, or the sandbox stops
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        log.warn("pod {}: cannot write its status: {}", name(), e.getMessage());
      }
    } catch (RuntimeException e) {
      log.error("pod {}: the sandbox kubelet failed", name(), e);
    } finally {
      Duration grace = Duration.ofSeconds(Math.min(gracePeriod(), 30));
      init.forEach(c -> c.kill(grace));
      main.forEach(c -> c.kill(grace));
    }
  }

  /** The scheduler's part: a pod whose claims do not exist (or are not bound) waits. */
  private void schedule() {
    while (true) {
      try {
        node.volumes().checkClaims(pod);
        return;
      } catch (PodVolumes.Unschedulable e) {
        condition("PodScheduled", false, "Unschedulable", e.getMessage());
        write();
        pause(Duration.ofSeconds(1));
      }
    }
  }

  /** Runs an init container until it succeeds; false when it failed and will not be retried. */
  private boolean runToCompletion(ContainerRun c) {
    while (true) {
      Instant now = node.now();
      if (c.due(now)) {
        tryStart(c, now);
      }
      if (c.reapIfExited(now)) {
        if (c.exitCode() == 0) {
          write();
          return true;
        }
        if (restartPolicy.equals("Never")) {
          return false;
        }
        c.scheduleRestart(now);
      }
      write();
      pause(TICK);
    }
  }

  private void runContainers() {
    while (true) {
      Instant now = node.now();
      boolean allDone = true;
      boolean allSucceeded = true;
      for (ContainerRun c : main) {
        if (c.due(now) && !finished(c)) {
          tryStart(c, now);
        }
        if (c.probe(now)) {
          log.info("pod {}: container {} failed its liveness probe", name(), c.spec.getName());
          c.kill(Duration.ofSeconds(gracePeriod()));
        }
        if (c.reapIfExited(now) && !finished(c)) {
          c.scheduleRestart(now);
        }
        allDone &= finished(c);
        allSucceeded &= finished(c) && c.exitCode() == 0;
      }
      boolean ready = main.stream().allMatch(ContainerRun::ready);
      condition("ContainersReady", ready, null, null);
      condition("Ready", ready, null, null);
      if (main.stream().anyMatch(ContainerRun::running)) {
        state.phase = "Running";
      }
      if (allDone) {
        state.phase = allSucceeded ? "Succeeded" : "Failed";
        condition("ContainersReady", false, "PodCompleted", null);
        condition("Ready", false, "PodCompleted", null);
        return;
      }
      write();
      pause(TICK);
    }
  }

  /** A terminated container that its restart policy does not restart. */
  private boolean finished(ContainerRun c) {
    return c.terminated()
        && (restartPolicy.equals("Never")
            || (restartPolicy.equals("OnFailure") && c.exitCode() == 0));
  }

  private void tryStart(ContainerRun c, Instant now) {
    starter.start(c, state.ip, now);
  }

  private void condition(String type, boolean status, String reason, String message) {
    state.condition(type, status, reason, message, node.now());
  }

  /** Writes the pod status if it changed since the last write. */
  private void write() {
    PodStatus status = state.status(statuses(init), statuses(main));
    String json = Serialization.asJson(status);
    if (json.equals(written)) {
      return;
    }
    if (stopping) {
      throw new Stopped();
    }
    Owners.editStatus(node.client(), pod, p -> p.setStatus(status));
    written = json;
  }

  private List<ContainerStatus> statuses(List<ContainerRun> runs) {
    List<ContainerStatus> out = new ArrayList<>();
    for (ContainerRun c : runs) {
      out.add(c.status());
    }
    return out;
  }

  /**
   * The pod's address: the one of its DNS name when it has one (a host name and a subdomain, as an
   * Indexed Job's pods under a headless Service), else a new one.
   */
  private String address() {
    String hostname = pod.getSpec().getHostname();
    String subdomain = pod.getSpec().getSubdomain();
    if (hostname != null && !hostname.isEmpty() && subdomain != null && !subdomain.isEmpty()) {
      return node.network()
          .named(pod.getMetadata().getNamespace(), hostname, subdomain, containerPorts());
    }
    return node.network().allocate(containerPorts());
  }

  /** The ports the pod's containers declare: its address must have them free. */
  private List<Integer> containerPorts() {
    List<Integer> ports = new ArrayList<>();
    for (ContainerRun c : main) {
      if (c.spec.getPorts() != null) {
        c.spec.getPorts().forEach(p -> ports.add(p.getContainerPort()));
      }
    }
    return ports;
  }

  private long gracePeriod() {
    Long grace = pod.getSpec().getTerminationGracePeriodSeconds();
    return grace == null ? 30 : grace;
  }

  private void pause(Duration d) {
    if (stopping) {
      throw new Stopped();
    }
    try {
      Thread.sleep(d.toMillis()); // the pod's own clock tick, not a test synchronisation
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Stopped();
    }
    if (stopping) {
      throw new Stopped();
    }
  }

  private static <T> List<T> list(List<T> list) {
    return list == null ? List.of() : list;
  }

  /** Unwinds the pod's thread when it is stopped. */
  private static final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stopped() {
      super(null, null, false, false);
    }
  }
}
