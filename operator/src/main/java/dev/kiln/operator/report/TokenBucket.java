package dev.kiln.operator.report;

/**
 * A token bucket: {@code capacity} requests at once, refilled at {@code perSecond}. One per job;
 * time comes from the caller so tests drive it without sleeping. Small enough that a rate-limit
 * library would cost more than it saves.
 */
final class TokenBucket {
  private final double capacity;
  private final double perNano;
  private double tokens;
  private long lastNanos;

  TokenBucket(double capacity, double perSecond, long nowNanos) {
    this.capacity = capacity;
    this.perNano = perSecond / 1_000_000_000.0;
    this.tokens = capacity;
    this.lastNanos = nowNanos;
  }

  synchronized boolean tryTake(long nowNanos) {
    tokens = Math.min(capacity, tokens + (nowNanos - lastNanos) * perNano);
    lastNanos = nowNanos;
    if (tokens >= 1.0) {
      tokens -= 1.0;
      return true;
    }
    return false;
  }
}
