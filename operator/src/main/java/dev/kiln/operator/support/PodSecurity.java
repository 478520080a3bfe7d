package dev.kiln.operator.support;

import dev.kiln.api.v1alpha1.PodOverrides;
import dev.kiln.api.v1alpha1.PodSecurityLevel;
import dev.kiln.api.v1alpha1.WorkloadSpec;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SeccompProfileBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import java.util.List;

/**
 * Security contexts for the Pod Security Standard level a workload asks for (docs/security.md).
 * Restricted is the default. Baseline only stops requiring a non-root user for the user's own
 * containers: privilege escalation stays off, every capability dropped, seccomp RuntimeDefault.
 * Kiln's own containers (the loaders) are restricted whatever the level. No UID, GID or fsGroup is
 * fixed unless the operator is configured with one ({@link PodIdentity}).
 */
public final class PodSecurity {
  private PodSecurity() {}

  /** The level a workload's pods are built for; restricted unless spec.pod says baseline. */
  public static PodSecurityLevel level(WorkloadSpec spec) {
    PodOverrides pod = spec == null ? null : spec.getPod();
    return pod != null && pod.getSecurityLevel() == PodSecurityLevel.baseline
        ? PodSecurityLevel.baseline
        : PodSecurityLevel.restricted;
  }

  /** The level a built pod needs: restricted exactly when the pod requires non-root. */
  public static PodSecurityLevel levelOf(PodSpec pod) {
    PodSecurityContext context = pod == null ? null : pod.getSecurityContext();
    return context != null && Boolean.TRUE.equals(context.getRunAsNonRoot())
        ? PodSecurityLevel.restricted
        : PodSecurityLevel.baseline;
  }

  /** A restricted pod context, for pods that run only Kiln's images. */
  public static PodSecurityContext pod(PodIdentity identity) {
    return pod(null, identity);
  }

  /**
   * The pod context for {@code spec}'s level: the operator's user, group and fsGroup ({@code
   * identity}, each unset unless configured: the platform or the image decides), the spec's fsGroup
   * over the operator's. Under baseline the pod does not require non-root; each of Kiln's
   * containers still does, in its own context.
   */
  public static PodSecurityContext pod(WorkloadSpec spec, PodIdentity identity) {
    PodOverrides overrides = spec == null ? null : spec.getPod();
    Long fsGroup = overrides == null ? null : overrides.getFsGroup();
    return new PodSecurityContextBuilder()
        .withRunAsNonRoot(level(spec) == PodSecurityLevel.restricted ? true : null)
        .withRunAsUser(identity.runAsUser())
        .withRunAsGroup(identity.runAsGroup())
        .withFsGroup(fsGroup != null ? fsGroup : identity.fsGroup())
        .withSeccompProfile(new SeccompProfileBuilder().withType("RuntimeDefault").build())
        .build();
  }

  /** A restricted container context for Kiln's own images (loaders, upload). */
  public static SecurityContext container(boolean readOnlyRootFilesystem) {
    return base(readOnlyRootFilesystem).withRunAsNonRoot(true).build();
  }

  /**
   * Whether a container running the user's image gets a read-only root filesystem: what the spec
   * says (spec.pod.readOnlyRootFilesystem), else {@code byDefault}, which is what the container
   * needs, not whose image it is: a server writes only to its /tmp emptyDir; a trainer often writes
   * caches anywhere.
   */
  public static boolean readOnlyRoot(WorkloadSpec spec, boolean byDefault) {
    PodOverrides overrides = spec == null ? null : spec.getPod();
    Boolean asked = overrides == null ? null : overrides.getReadOnlyRootFilesystem();
    return asked == null ? byDefault : asked;
  }

  /**
   * The context of a container running the user's image (trainer, prepare, server): the spec's
   * level, user and group, which win over the operator's in the pod context.
   */
  public static SecurityContext userContainer(WorkloadSpec spec, boolean readOnlyRootFilesystem) {
    PodOverrides overrides = spec == null ? null : spec.getPod();
    SecurityContextBuilder context = base(readOnlyRootFilesystem);
    if (level(spec) == PodSecurityLevel.restricted) {
      context.withRunAsNonRoot(true);
    }
    if (overrides != null) {
      context.withRunAsUser(overrides.getRunAsUser()).withRunAsGroup(overrides.getRunAsGroup());
    }
    return context.build();
  }

  private static SecurityContextBuilder base(boolean readOnlyRootFilesystem) {
    return new SecurityContextBuilder()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(readOnlyRootFilesystem)
        .withCapabilities(new Capabilities(null, List.of("ALL")))
        .withSeccompProfile(new SeccompProfileBuilder().withType("RuntimeDefault").build());
  }
}
