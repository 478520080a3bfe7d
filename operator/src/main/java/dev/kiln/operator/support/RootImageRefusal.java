package dev.kiln.operator.support;

import dev.kiln.api.v1alpha1.Failure;
import dev.kiln.api.v1alpha1.TrainingJobConditions;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises the kubelet refusing a container of a runAsNonRoot pod because its image runs as root
 * (or as a non-numeric user it cannot check), and says how to opt in. The kubelet retries such a
 * container for ever and its message does not say what to change; the run should fail at once with
 * the three ways out instead. Pure.
 */
public final class RootImageRefusal {
  /** The waiting reason the kubelet gives (kuberuntime's verifyRunAsNonRoot). */
  static final String CONFIG_ERROR = "CreateContainerConfigError";

  private static final String RUNS_AS_ROOT = "runAsNonRoot and image will run as root";
  private static final Pattern NON_NUMERIC =
      Pattern.compile("runAsNonRoot and image has non-numeric user \\(([^)]*)\\)");

  private RootImageRefusal() {}

  /** The failure, if this container waits because its image runs as root. */
  public static Optional<Failure> explain(Pod pod, ContainerStatus cs) {
    ContainerStateWaiting waiting = cs.getState() == null ? null : cs.getState().getWaiting();
    if (waiting == null
        || !CONFIG_ERROR.equals(waiting.getReason())
        || waiting.getMessage() == null) {
      return Optional.empty();
    }
    String image = cs.getImage() == null || cs.getImage().isBlank() ? "?" : cs.getImage();
    Matcher nonNumeric = NON_NUMERIC.matcher(waiting.getMessage());
    String what;
    if (waiting.getMessage().contains(RUNS_AS_ROOT)) {
      what = "runs as root";
    } else if (nonNumeric.find()) {
      what =
          "runs as the non-numeric user '"
              + nonNumeric.group(1)
              + "', which the kubelet cannot check is not root";
    } else {
      return Optional.empty();
    }
    String message =
        "image "
            + image
            + " (container "
            + cs.getName()
            + ") "
            + what
            + ", and Kiln's pods must run as a non-root user (Pod Security level restricted)."
            + " To run it: rebuild the image with a numeric non-root USER (e.g. USER 1000), set"
            + " spec.pod.runAsUser to a non-root UID the image can run as, or set"
            + " spec.pod.securityLevel: baseline to run it as root (the namespace must admit the"
            + " baseline level)";
    return Optional.of(
        Failure.builder()
            .reason(TrainingJobConditions.IMAGE_RUNS_AS_ROOT)
            .message(Pods.bound(message))
            .pod(pod.getMetadata().getName())
            .container(cs.getName())
            .build());
  }
}
