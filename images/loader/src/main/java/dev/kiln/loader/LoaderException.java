package dev.kiln.loader;

/** A failure with a one-line message for the user and the process exit code it maps to. */
public class LoaderException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Exit codes: documented in images/loader/README.md. */
  public static final int USAGE = 2;

  public static final int NOT_FOUND = 3;
  public static final int ACCESS_DENIED = 4;
  public static final int INTEGRITY = 5;
  public static final int IO = 1;

  final int exitCode;

  public LoaderException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public LoaderException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
