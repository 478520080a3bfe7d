package dev.kiln.sandbox.cluster;

import java.time.Duration;

/**
 * The sandbox's one back-off, for container restarts, image pulls and Job retries: 1 s after the
 * first failure, doubling to at most 10 s (Kubernetes uses 10 s to 5–6 minutes; the sandbox is
 * meant to be watched).
 */
final class Backoff {
  static final Duration MAX = Duration.ofSeconds(10);

  private Backoff() {}

  /** How long to wait after {@code failures} failures in a row (none: no wait). */
  static Duration after(int failures) {
    if (failures <= 0) {
      return Duration.ZERO;
    }
    return Duration.ofSeconds(Math.min(1L << Math.min(failures - 1, 4), MAX.toSeconds()));
  }
}
