package dev.kiln.operator.support;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** RFC 3339 timestamps at second precision, the form Kubernetes uses in status. */
public final class Times {
  private Times() {}

  public static String format(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }

  /** Parses an RFC 3339 timestamp; null for null or unparsable input. */
  public static Instant parse(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * {@code instant + duration}, saturating at {@link Instant#MAX} (or MIN) instead of throwing: a
   * deadline of Long.MAX_VALUE seconds must read as "never", not fail every reconcile.
   */
  public static Instant plusSaturating(Instant instant, Duration duration) {
    if (duration.compareTo(Duration.between(instant, Instant.MAX)) >= 0) {
      return Instant.MAX;
    }
    if (duration.compareTo(Duration.between(instant, Instant.MIN)) <= 0) {
      return Instant.MIN;
    }
    return instant.plus(duration);
  }

  /** {@code instant + seconds}, saturating like {@link #plusSaturating(Instant, Duration)}. */
  public static Instant plusSecondsSaturating(Instant instant, long seconds) {
    return plusSaturating(instant, Duration.ofSeconds(seconds));
  }

  /** Longer waits are capped: the periodic re-check comes sooner, and millis must not overflow. */
  private static final Duration LONGEST_WAIT = Duration.ofDays(366);

  /**
   * The wait until just after {@code due} (so it has passed): at least a second, at most a year.
   */
  public static Duration waitUntil(Instant now, Instant due) {
    Duration wait = Duration.between(now, due);
    if (wait.compareTo(LONGEST_WAIT) >= 0) {
      return LONGEST_WAIT;
    }
    return wait.isNegative() ? Duration.ofSeconds(1) : wait.plusSeconds(1);
  }
}
