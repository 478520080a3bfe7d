package dev.kiln.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/**
 * A mount of one of spec.pod.volumes into the main container. It reads like a core VolumeMount, but
 * its strings are bounded, so the CEL rules on the mount paths stay within the API server's cost
 * budget; Bidirectional propagation (which needs a privileged container) is not offered.
 */
@ValidationRule(
    value = "!has(self.subPath) || !has(self.subPathExpr)",
    message = "volumeMounts: set at most one of subPath and subPathExpr")
@Data
@Builder(toBuilder = true)
@NoArgsConstructor
@AllArgsConstructor
public class PodVolumeMount implements ApiType {
  /** How mounts below the volume propagate from the host (core VolumeMount semantics). */
  public enum MountPropagation {
    None,
    HostToContainer
  }

  public static final int MAX_PATH = 1024;

  @JsonPropertyDescription("The volume of spec.pod.volumes to mount.")
  @Required
  @Size(max = Validation.MAX_NAME)
  @Pattern(Validation.DNS1123_LABEL)
  private String name;

  @JsonPropertyDescription("The absolute path in the container, e.g. /data/reference.")
  @Required
  @Size(max = MAX_PATH)
  @Pattern("^/")
  private String mountPath;

  @JsonPropertyDescription("Mount the volume read-only.")
  private Boolean readOnly;

  @JsonPropertyDescription("Mount only this path inside the volume (relative, no '..').")
  @Size(max = MAX_PATH)
  private String subPath;

  @JsonPropertyDescription(
      "As subPath, expanded with the container's environment, e.g. $(KILN_JOB_NAME).")
  @Size(max = MAX_PATH)
  private String subPathExpr;

  @JsonPropertyDescription("None (default) or HostToContainer.")
  private MountPropagation mountPropagation;
}
