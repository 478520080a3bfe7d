package dev.kiln.sandbox.cluster;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContext;

/**
 * The kubelet's check of {@code runAsNonRoot} against the image's user, with its messages: the
 * container's security context over the pod's; an explicit {@code runAsUser} decides (0 breaks the
 * policy); otherwise the image's USER must be a non-zero number. No USER means root; a name ({@code
 * USER app}, and also {@code USER root}) cannot be verified, as the container runtime reports only
 * a numeric user as a uid.
 */
final class RunAsNonRoot {
  static final String REASON = "CreateContainerConfigError";

  private RunAsNonRoot() {}

  /** Throws the kubelet's CreateContainerConfigError when the container must not start. */
  static void verify(Pod pod, Container c, String imageUser) throws StartupError {
    SecurityContext container = c.getSecurityContext();
    PodSecurityContext podContext = pod.getSpec().getSecurityContext();
    Boolean nonRoot = container == null ? null : container.getRunAsNonRoot();
    if (nonRoot == null && podContext != null) {
      nonRoot = podContext.getRunAsNonRoot();
    }
    if (!Boolean.TRUE.equals(nonRoot)) {
      return;
    }
    Long runAsUser = container == null ? null : container.getRunAsUser();
    if (runAsUser == null && podContext != null) {
      runAsUser = podContext.getRunAsUser();
    }
    String which =
        "(pod: \""
            + pod.getMetadata().getName()
            + "_"
            + pod.getMetadata().getNamespace()
            + "("
            + pod.getMetadata().getUid()
            + ")\", container: "
            + c.getName()
            + ")";
    if (runAsUser != null) {
      if (runAsUser == 0) {
        throw new StartupError(REASON, "container's runAsUser breaks non-root policy " + which);
      }
      return;
    }
    String user = imageUser == null ? "" : imageUser.strip().split(":", 2)[0];
    boolean numeric = !user.isEmpty() && user.chars().allMatch(Character::isDigit);
    if (user.isEmpty() || (numeric && Long.parseLong(user) == 0)) {
      throw new StartupError(
          REASON, "container has runAsNonRoot and image will run as root " + which);
    }
    if (!numeric) {
      throw new StartupError(
          REASON,
          "container has runAsNonRoot and image has non-numeric user ("
              + user
              + "), cannot verify user is non-root "
              + which);
    }
  }
}
