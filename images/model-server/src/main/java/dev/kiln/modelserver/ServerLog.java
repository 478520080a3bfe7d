package dev.kiln.modelserver;

/** The server's log lines, prefixed with its name: progress on stdout, trouble on stderr. */
final class ServerLog {
  private static final String PREFIX = "kiln-model-server: ";

  private ServerLog() {}

  static void info(String message) {
    System.out.println(PREFIX + message);
  }

  static void error(String message) {
    System.err.println(PREFIX + message);
  }
}
