package dev.kiln.sandbox.cluster;

import java.util.concurrent.ThreadFactory;

/**
 * Threads of the simulated cluster are daemons: they never keep the JVM alive on their own; the
 * sandbox stops them (and the processes of its pods) explicitly.
 */
final class DaemonThreads {
  private DaemonThreads() {}

  static ThreadFactory named(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
