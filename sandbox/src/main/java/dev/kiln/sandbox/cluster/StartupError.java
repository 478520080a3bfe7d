package dev.kiln.sandbox.cluster;

/**
 * Why a container cannot start yet, in a kubelet's words: {@code reason} is the waiting reason a
 * real kubelet reports (ErrImagePull, CreateContainerConfigError, …). The kubelet retries.
 */
final class StartupError extends Exception {
  private static final long serialVersionUID = 1L;
  private final String reason;

  StartupError(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  String reason() {
    return reason;
  }
}
