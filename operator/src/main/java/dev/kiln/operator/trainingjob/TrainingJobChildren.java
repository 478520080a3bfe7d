package dev.kiln.operator.trainingjob;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.Workspace;
import dev.kiln.operator.support.KilnLabels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The desired state of a TrainingJob's supporting objects: its workspace volume, report-token
 * Secret, run ConfigMap and, for several workers, the headless Service. Pure functions.
 */
public final class TrainingJobChildren {
  public static final String APP_NAME = "kiln-training";
  public static final String REPORT_TOKEN_KEY = "token";

  private TrainingJobChildren() {}

  /**
   * The workspace PVC Kiln creates, or empty when the user brings an existing claim. With
   * retainPolicy Retain it has no owner reference, so deleting the TrainingJob keeps it.
   */
  public static Optional<PersistentVolumeClaim> workspaceClaim(TrainingJob tj, String defaultSize) {
    Workspace ws = Optional.ofNullable(tj.getSpec().getWorkspace()).orElseGet(Workspace::new);
    if (ws.getExistingClaim() != null) {
      return Optional.empty();
    }
    boolean retain = ws.getRetainPolicy() == Workspace.RetainPolicy.Retain;
    ObjectMeta meta = metadata(tj, TrainingJobNames.workspace(tj), "workspace", !retain);
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
  public static String workspaceClaimName(TrainingJob tj) {
    Workspace ws = tj.getSpec().getWorkspace();
    return ws != null && ws.getExistingClaim() != null
        ? ws.getExistingClaim()
        : TrainingJobNames.workspace(tj);
  }

  /** The Secret that hands the per-job report token to the trainer; created once, never read. */
  public static Secret reportSecret(TrainingJob tj, String token) {
    return new SecretBuilder()
        .withMetadata(metadata(tj, TrainingJobNames.reportSecret(tj), "report-token", true))
        .withType("Opaque")
        .withImmutable(true)
        .withStringData(Map.of(REPORT_TOKEN_KEY, token))
        .build();
  }

  /** The run's mutable facts the pods read at start: the attempt number (KILN_ATTEMPT). */
  public static ConfigMap runConfig(TrainingJob tj, int attempt) {
    return new ConfigMapBuilder()
        .withMetadata(metadata(tj, TrainingJobNames.runConfig(tj), "run-config", true))
        .withData(Map.of("attempt", Integer.toString(attempt)))
        .build();
  }

  /** Headless Service giving each worker of an Indexed Job a stable DNS name for rendezvous. */
  public static Optional<Service> workersService(TrainingJob tj) {
    if (PodContract.workers(tj) <= 1) {
      return Optional.empty();
    }
    return Optional.of(
        new ServiceBuilder()
            .withMetadata(metadata(tj, TrainingJobNames.workersService(tj), "workers", true))
            .withNewSpec()
            .withClusterIP("None")
            .withPublishNotReadyAddresses(true)
            .withSelector(Map.of(KilnLabels.TRAINING_JOB, tj.getMetadata().getName()))
            .addNewPort()
            .withName("coordinator")
            .withPort(PodContract.COORDINATOR_PORT)
            .endPort()
            .endSpec()
            .build());
  }

  static ObjectMeta metadata(TrainingJob tj, String name, String component, boolean owned) {
    ObjectMetaBuilder meta =
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(tj.getMetadata().getNamespace())
            .withLabels(
                KilnLabels.of(
                    KilnLabels.TRAINING_JOB, tj.getMetadata().getName(), APP_NAME, component));
    if (owned) {
      meta.withOwnerReferences(KilnLabels.controllerReference(tj));
    }
    return meta.build();
  }
}
