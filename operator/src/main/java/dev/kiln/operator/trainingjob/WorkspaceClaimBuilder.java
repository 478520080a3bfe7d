package dev.kiln.operator.trainingjob;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.Workspace;
import dev.kiln.operator.trainingjob.TrainingJobNames.Child;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The workspace volume of a run: data, checkpoints and the model live there. Pure. */
public final class WorkspaceClaimBuilder {
  private WorkspaceClaimBuilder() {}

  /**
   * The workspace PVC Kiln creates, or empty when the user brings an existing claim. With
   * retainPolicy Retain it has no owner reference, so deleting the TrainingJob keeps it.
   */
  public static Optional<PersistentVolumeClaim> build(TrainingJob tj, String defaultSize) {
    Workspace ws = Optional.ofNullable(tj.getSpec().getWorkspace()).orElseGet(Workspace::new);
    if (ws.getExistingClaim() != null) {
      return Optional.empty();
    }
    boolean retain = ws.getRetainPolicy() == Workspace.RetainPolicy.Retain;
    ObjectMeta meta = TrainingMetadata.build(tj, Child.WORKSPACE, !retain);
    List<String> accessModes =
        ws.getAccessModes() != null && !ws.getAccessModes().isEmpty()
            ? ws.getAccessModes()
            : List.of(PodContract.workers(tj) > 1 ? "ReadWriteMany" : "ReadWriteOnce");
    String size = ws.getSize() != null ? ws.getSize() : defaultSize;
    return Optional.of(
        new PersistentVolumeClaimBuilder()
            .withMetadata(meta)
            .withNewSpec()
            .withAccessModes(accessModes)
            .withStorageClassName(ws.getStorageClassName())
            .withNewResources()
            .withRequests(Map.of("storage", new Quantity(size)))
            .endResources()
            .endSpec()
            .build());
  }

  /** The claim the pods mount: the user's existing claim or the one Kiln creates. */
  public static String claimName(TrainingJob tj) {
    Workspace ws = tj.getSpec().getWorkspace();
    return ws != null && ws.getExistingClaim() != null
        ? ws.getExistingClaim()
        : TrainingJobNames.name(tj, Child.WORKSPACE);
  }
}
