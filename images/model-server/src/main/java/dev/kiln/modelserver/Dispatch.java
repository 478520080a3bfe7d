package dev.kiln.modelserver;

import io.undertow.server.HttpServerExchange;
import java.util.Locale;

/**
 * Where an inference runs. A small model answers faster on the I/O thread that read the request
 * than after a hand-off to a worker (a queue, a wake-up, a context switch, and on one CPU a wait
 * for the I/O thread to yield); a slow one would hold up every other connection of that I/O thread.
 * In {@code auto} mode a request runs inline while the moving average of recent inferences stays
 * under 1 ms and its body under 64 KiB, and on a worker otherwise.
 */
final class Dispatch {
  enum Mode {
    AUTO,
    IO,
    WORKER
  }

  static final long INLINE_MAX_NANOS = 1_000_000;
  static final int INLINE_MAX_BYTES = 64 << 10;

  private final Mode mode;
  // Racy on purpose: a lost update only nudges a moving average.
  private volatile long averageNanos;

  Dispatch(Mode mode) {
    this.mode = mode;
  }

  static Mode mode(String value) {
    try {
      return Mode.valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "KILN_INFERENCE_THREAD must be auto, io or worker, got '" + value + "'", e);
    }
  }

  void run(HttpServerExchange ex, int bodyBytes, Runnable task) {
    boolean inline =
        mode == Mode.IO
            || (mode == Mode.AUTO
                && bodyBytes <= INLINE_MAX_BYTES
                && averageNanos < INLINE_MAX_NANOS);
    if (inline || !ex.isInIoThread()) {
      task.run();
    } else {
      ex.dispatch(task);
    }
  }

  /** One inference took {@code nanos} of CPU: an exponential moving average over about 16. */
  void observe(long nanos) {
    long avg = averageNanos;
    averageNanos = avg + ((nanos - avg) >> 4);
  }
}
