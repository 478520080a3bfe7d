package dev.kiln.operator.support;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SeccompProfileBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import java.util.List;

/** Security contexts that meet the Pod Security Standard "restricted" (docs/design.md). */
public final class PodSecurity {
  /** The UID/GID of Kiln's images; also the fsGroup, so volumes are writable by any of them. */
  public static final long KILN_UID = 65532L;

  private PodSecurity() {}

  public static PodSecurityContext pod() {
    return new PodSecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withFsGroup(KILN_UID)
        .withSeccompProfile(new SeccompProfileBuilder().withType("RuntimeDefault").build())
        .build();
  }

  /**
   * A restricted container context. The root filesystem is read-only for Kiln's own images; a
   * user's image may need to write to it, so it gets a writable /tmp instead.
   */
  public static SecurityContext container(boolean readOnlyRootFilesystem) {
    return new SecurityContextBuilder()
        .withAllowPrivilegeEscalation(false)
        .withRunAsNonRoot(true)
        .withReadOnlyRootFilesystem(readOnlyRootFilesystem)
        .withCapabilities(new Capabilities(null, List.of("ALL")))
        .withSeccompProfile(new SeccompProfileBuilder().withType("RuntimeDefault").build())
        .build();
  }
}
