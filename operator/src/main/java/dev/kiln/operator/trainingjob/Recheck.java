package dev.kiln.operator.trainingjob;

import dev.kiln.operator.support.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/** When to reconcile again because something falls due. */
final class Recheck {
  private Recheck() {}

  /** Just after {@code due}, so the deadline has passed when the reconcile runs. */
  static Duration until(Instant now, Instant due) {
    return Times.waitUntil(now, due);
  }

  /** The soonest of the given waits (nulls are none). */
  static Optional<Duration> earliest(Duration... waits) {
    return Arrays.stream(waits).filter(Objects::nonNull).min(Duration::compareTo);
  }
}
