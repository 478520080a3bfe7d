package dev.kiln.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/** The volume that holds data/, checkpoints/ and model/ for a training run. */
@ValidationRule(
    value = "has(self.size) != has(self.existingClaim)",
    message =
        "workspace: set exactly one of size (Kiln creates the volume) or existingClaim (use your"
            + " own PVC)")
@ValidationRule(
    value = "!has(self.existingClaim) || (!has(self.storageClassName) && !has(self.accessModes))",
    message =
        "workspace: storageClassName and accessModes apply only to a volume Kiln creates (size),"
            + " not to existingClaim")
@Data
@Builder(toBuilder = true)
@NoArgsConstructor
@AllArgsConstructor
public class Workspace implements ApiType {
  /** What happens to a workspace Kiln created once its TrainingJob is deleted. */
  public enum RetainPolicy {
    Delete,
    Retain
  }

  @JsonPropertyDescription("Size of the volume Kiln creates for this run, e.g. 10Gi.")
  @Size(max = 32)
  @Pattern(Validation.STORAGE_QUANTITY)
  private String size;

  @JsonPropertyDescription("StorageClass of the volume Kiln creates; the cluster default if unset.")
  @Size(max = Validation.MAX_SUBDOMAIN)
  @Pattern(Validation.DNS1123_SUBDOMAIN)
  private String storageClassName;

  @JsonPropertyDescription(
      "Access modes of the volume Kiln creates; ReadWriteOnce if unset, ReadWriteMany for"
          + " workers > 1 on several nodes.")
  @Size(max = 3)
  private List<@Size(max = 32) @Pattern("^(ReadWriteOnce|ReadWriteMany|ReadWriteOncePod)$") String>
      accessModes;

  @JsonPropertyDescription(
      "Use this existing PersistentVolumeClaim instead of creating one. Kiln never deletes it.")
  @Size(max = Validation.MAX_SUBDOMAIN)
  @Pattern(Validation.DNS1123_SUBDOMAIN)
  private String existingClaim;

  @JsonPropertyDescription(
      "Delete (default) removes the volume Kiln created when the TrainingJob is deleted; Retain"
          + " keeps it, with the model and checkpoints, for later use.")
  @Default("Delete")
  private RetainPolicy retainPolicy;
}
