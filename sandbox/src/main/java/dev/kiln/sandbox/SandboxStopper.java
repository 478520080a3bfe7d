package dev.kiln.sandbox;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Stops the sandbox exactly once: at the end of the run, or on Ctrl-C/SIGTERM (a shutdown hook), so
 * no process of a pod outlives the sandbox.
 */
final class SandboxStopper implements AutoCloseable {
  private final Sandbox sandbox;
  private final PrintStream out;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final CountDownLatch signalled = new CountDownLatch(1);
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Thread hook;

  SandboxStopper(Sandbox sandbox, PrintStream out) {
    this.out = out;
    this.sandbox = sandbox;
    this.hook =
        new Thread(
            () -> {
              signalled.countDown();
              stop();
            },
            "sandbox-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  void awaitSignal() throws InterruptedException {
    signalled.await();
  }

  /**
   * Closes the sandbox, or waits until the other caller has: the JVM halts as soon as the shutdown
   * hook returns, so the hook must not return while the main thread is still stopping pods (their
   * processes would outlive the sandbox).
   */
  private void stop() {
    if (stopped.compareAndSet(false, true)) {
      try {
        out.println("Stopping the sandbox: the operator, every pod and its processes.");
        sandbox.close();
      } finally {
        closed.countDown();
      }
      return;
    }
    boolean interrupted = false;
    while (closed.getCount() > 0) {
      try {
        closed.await();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook has run
    }
  }
}
