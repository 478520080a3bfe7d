package dev.kiln.modelserver;

/** An error answered to the client as {@code {"error": message}} with an HTTP status. */
final class ApiException extends Exception {
  private static final long serialVersionUID = 1L;
  final int status;

  ApiException(int status, String message) {
    super(message);
    this.status = status;
  }

  static ApiException badRequest(String message) {
    return new ApiException(400, message);
  }
}
