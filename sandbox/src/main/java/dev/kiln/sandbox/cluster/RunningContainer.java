package dev.kiln.sandbox.cluster;

import java.time.Duration;

/**
 * A started container as the kubelet follows it: a process of this machine, or a container of the
 * engine. Its output goes to the container's log file, which {@code kubectl logs} reads.
 */
interface RunningContainer {
  /** The status's {@code containerID} ({@code sandbox://<pid>}, {@code podman://<id>}). */
  String id();

  boolean alive();

  /** Once it is no longer {@link #alive}: how it ended. */
  Exit exit();

  /** SIGTERM, then SIGKILL after the grace period; returns when it is gone. */
  void stop(Duration grace);

  /**
   * How a container ended, as the container runtime reports it to the kubelet.
   *
   * @param reason the runtime's reason ({@code OOMKilled}, {@code StartError}), or null: the
   *     kubelet then says {@code Completed} for exit code 0 and {@code Error} otherwise
   * @param message the runtime's message (why it could not start), or null
   */
  record Exit(int exitCode, String reason, String message) {
    static Exit of(int exitCode) {
      return new Exit(exitCode, null, null);
    }

    /** The terminated state's reason, as the kubelet reports it. */
    String kubeletReason() {
      return reason != null ? reason : exitCode == 0 ? "Completed" : "Error";
    }
  }
}
