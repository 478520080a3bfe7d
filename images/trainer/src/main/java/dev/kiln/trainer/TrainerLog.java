package dev.kiln.trainer;

/** The trainer's log lines: progress on stdout, trouble on stderr, each prefixed with its name. */
final class TrainerLog {
  private TrainerLog() {}

  static void info(String message) {
    System.out.println("kiln-trainer: " + message);
  }

  static void warn(String message) {
    System.err.println("kiln-trainer: " + message);
  }

  /** The first line of a message: termination messages and log lines are one line each. */
  static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
