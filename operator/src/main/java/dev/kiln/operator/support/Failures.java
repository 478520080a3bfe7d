package dev.kiln.operator.support;

import dev.kiln.api.v1alpha1.Failure;

/** Small helpers the status calculators share. */
public final class Failures {
  private Failures() {}

  /** A status failure with its message bounded to what a status field should hold. */
  public static Failure of(String reason, String message) {
    return Failure.builder().reason(reason).message(Pods.bound(message)).build();
  }

  /** A counter from a Kubernetes status, where absent means zero. */
  public static int orZero(Integer count) {
    return count == null ? 0 : count;
  }
}
