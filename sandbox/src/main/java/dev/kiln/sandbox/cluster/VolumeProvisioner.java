package dev.kiln.sandbox.cluster;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dynamic provisioning with a local folder per claim: a new PersistentVolumeClaim gets {@code
 * <volumes>/<namespace>/<claim>/} and the Bound phase with the requested capacity; a deleted
 * claim's folder is deleted (reclaim policy Delete). Access modes and sizes are recorded, not
 * enforced.
 *
 * @param client an admin client of the API server
 * @param root the folder that holds every claim's folder
 */
record VolumeProvisioner(KubernetesClient client, Path root)
    implements ResourceEventHandler<PersistentVolumeClaim> {
  private static final Logger log = LoggerFactory.getLogger(VolumeProvisioner.class);

  void watch(SharedIndexInformer<PersistentVolumeClaim> claims) {
    claims.addEventHandler(this);
  }

  /** The claim's folder once it is bound. */
  Optional<Path> folder(PersistentVolumeClaim pvc) {
    Path dir = dir(pvc);
    return Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
  }

  @Override
  public void onAdd(PersistentVolumeClaim pvc) {
    if (pvc.getStatus() != null && "Bound".equals(pvc.getStatus().getPhase())) {
      return;
    }
    try {
      // Writable by every user, as the local-path provisioner of kind and k3s makes its volumes:
      // pods without an fsGroup (Kiln sets none unless configured) can then use the claim.
      VolumeOwnership.openToAll(Files.createDirectories(dir(pvc)));
      Owners.editStatus(client, pvc, p -> p.setStatus(bound(p)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (KubernetesClientException e) {
      log.warn("cannot bind claim {}: {}", pvc.getMetadata().getName(), e.getMessage());
    }
  }

  @Override
  public void onUpdate(PersistentVolumeClaim old, PersistentVolumeClaim pvc) {
    onAdd(pvc);
  }

  @Override
  public void onDelete(PersistentVolumeClaim pvc, boolean finalStateUnknown) {
    Path dir = dir(pvc);
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      log.warn(
          "cannot delete the volume of claim {}: {}", pvc.getMetadata().getName(), e.getMessage());
    }
  }

  /** The status of a bound claim: its access modes and the requested size as its capacity. */
  private static PersistentVolumeClaimStatus bound(PersistentVolumeClaim pvc) {
    PersistentVolumeClaimStatus s = new PersistentVolumeClaimStatus();
    s.setPhase("Bound");
    s.setAccessModes(pvc.getSpec().getAccessModes());
    Quantity size =
        pvc.getSpec().getResources() == null || pvc.getSpec().getResources().getRequests() == null
            ? null
            : pvc.getSpec().getResources().getRequests().get("storage");
    s.setCapacity(size == null ? Map.of() : Map.of("storage", size));
    return s;
  }

  private Path dir(PersistentVolumeClaim pvc) {
    return root.resolve(pvc.getMetadata().getNamespace()).resolve(pvc.getMetadata().getName());
  }
}
