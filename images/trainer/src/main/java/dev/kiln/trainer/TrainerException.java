package dev.kiln.trainer;

/** A failure whose message is a one-line reason a user can act on (bad input, bad setting). */
public class TrainerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TrainerException(String message) {
    super(message);
  }

  public TrainerException(String message, Throwable cause) {
    super(message, cause);
  }
}
