package dev.kiln.sandbox.cluster;

import dev.kiln.containers.ContainerEngine;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Whether the kernel killed a process of a container for its memory limit, from the kernel's log:
 * an {@code oom-kill:} line whose memory cgroup ({@code oom_memcg=…}, {@code task_memcg=…}) names
 * the container's id. containerd's CRI learns of such kills from the cgroup's OOM events, and the
 * kubelet reports them as {@code OOMKilled}; podman before 5.0 records none in {@code
 * State.OOMKilled} (https://github.com/containers/podman/issues/13102), so the sandbox reads the
 * kernel's own record. Reading the log needs root (or CAP_SYSLOG); without it the engine's word
 * stands.
 */
final class KernelOomLog {
  private KernelOomLog() {}

  /** Whether {@code kernelLog} records an OOM kill in the container {@code id}'s cgroup. */
  static boolean killedIn(String kernelLog, String id) {
    if (id == null || id.length() < 12) {
      return false;
    }
    return kernelLog
        .lines()
        .anyMatch(l -> l.contains("oom-kill:") && l.contains("memcg=") && l.contains(id));
  }

  /** Whether this machine's kernel log records an OOM kill in the container {@code id}. */
  static boolean killed(String id) {
    try {
      ContainerEngine.Result log =
          ContainerEngine.exec(List.of("dmesg"), Map.of(), Duration.ofSeconds(20));
      return log.ok() && killedIn(log.stdout(), id);
    } catch (UncheckedIOException e) { // no dmesg on this machine
      return false;
    }
  }
}
