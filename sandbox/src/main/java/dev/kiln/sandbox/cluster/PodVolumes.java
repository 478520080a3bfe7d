package dev.kiln.sandbox.cluster;

import dev.kiln.sandbox.cluster.ConfigSources.Source;
import io.fabric8.kubernetes.api.model.ConfigMapProjection;
import io.fabric8.kubernetes.api.model.DownwardAPIProjection;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretProjection;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pod's volumes as local folders: a claim is its provisioned folder, an emptyDir a fresh folder
 * of the pod, and Secret, ConfigMap and downward-API volumes are written out as files, the way the
 * kubelet projects them.
 */
final class PodVolumes {
  private final KubernetesClient client;
  private final ConfigSources sources;
  private final VolumeProvisioner provisioner;

  PodVolumes(KubernetesClient client, ConfigSources sources, VolumeProvisioner provisioner) {
    this.client = client;
    this.sources = sources;
    this.provisioner = provisioner;
  }

  /** Unschedulable: the pod waits for its claims, as the scheduler would make it. */
  static final class Unschedulable extends Exception {
    private static final long serialVersionUID = 1L;

    Unschedulable(String message) {
      super(message);
    }
  }

  /** The claims the pod needs, checked before it is "scheduled". */
  void checkClaims(Pod pod) throws Unschedulable {
    for (Volume v : volumes(pod)) {
      if (v.getPersistentVolumeClaim() != null) {
        String claim = v.getPersistentVolumeClaim().getClaimName();
        PersistentVolumeClaim pvc =
            client
                .persistentVolumeClaims()
                .inNamespace(pod.getMetadata().getNamespace())
                .withName(claim)
                .get();
        if (pvc == null) {
          throw new Unschedulable(
              "0/1 nodes are available: persistentvolumeclaim \"" + claim + "\" not found.");
        }
        if (provisioner.folder(pvc).isEmpty()) {
          throw new Unschedulable(
              "0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims.");
        }
      }
    }
  }

  /** Every volume's folder, by volume name; Secret and ConfigMap contents are read now. */
  Map<String, Path> prepare(Pod pod, String podIp, Path podDir) throws StartupError {
    Map<String, Path> folders = new LinkedHashMap<>();
    for (Volume v : volumes(pod)) {
      Path dir = podDir.resolve("volumes").resolve(v.getName());
      try {
        folders.put(
            v.getName(),
            v.getPersistentVolumeClaim() != null
                ? claimFolder(pod.getMetadata().getNamespace(), v)
                : write(pod, podIp, v, dir));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return folders;
  }

  /** A claim's provisioned folder. */
  private Path claimFolder(String ns, Volume v) throws StartupError {
    String claim = v.getPersistentVolumeClaim().getClaimName();
    PersistentVolumeClaim pvc =
        client.persistentVolumeClaims().inNamespace(ns).withName(claim).get();
    if (pvc == null) {
      throw new StartupError(
          "ContainerCreating", "persistentvolumeclaim \"" + claim + "\" not found");
    }
    return provisioner
        .folder(pvc)
        .orElseThrow(
            () ->
                new StartupError(
                    "ContainerCreating", "persistentvolumeclaim \"" + claim + "\" is not bound"));
  }

  /** A fresh folder of the pod for any other volume, with the files it projects. */
  private Path write(Pod pod, String podIp, Volume v, Path dir) throws StartupError, IOException {
    if (v.getEmptyDir() == null
        && v.getSecret() == null
        && v.getConfigMap() == null
        && v.getDownwardAPI() == null
        && v.getProjected() == null) {
      throw new StartupError(
          "CreateContainerConfigError",
          "volume \""
              + v.getName()
              + "\": only persistentVolumeClaim, emptyDir, secret,"
              + " configMap, downwardAPI and projected volumes exist in the sandbox");
    }
    Files.createDirectories(dir);
    for (VolumeProjection p : projections(v)) {
      writeProjection(pod, podIp, p, dir);
    }
    return dir;
  }

  /**
   * A volume's sources as projections: a Secret, ConfigMap or downward-API volume is written as a
   * projected volume of that one source is; an emptyDir projects nothing.
   */
  private static List<VolumeProjection> projections(Volume v) {
    if (v.getProjected() != null) {
      return v.getProjected().getSources();
    }
    VolumeProjection one = new VolumeProjection();
    if (v.getSecret() != null) {
      var s = v.getSecret();
      one.setSecret(new SecretProjection(s.getItems(), s.getSecretName(), s.getOptional()));
    } else if (v.getConfigMap() != null) {
      var m = v.getConfigMap();
      one.setConfigMap(new ConfigMapProjection(m.getItems(), m.getName(), m.getOptional()));
    } else if (v.getDownwardAPI() != null) {
      one.setDownwardAPI(new DownwardAPIProjection(v.getDownwardAPI().getItems()));
    }
    return List.of(one);
  }

  private void writeProjection(Pod pod, String podIp, VolumeProjection p, Path dir)
      throws StartupError, IOException {
    String ns = pod.getMetadata().getNamespace();
    if (p.getSecret() != null) {
      var s = p.getSecret();
      writeItems(Source.secret(ns, s.getName(), s.getOptional()), s.getItems(), dir);
    } else if (p.getConfigMap() != null) {
      var m = p.getConfigMap();
      writeItems(Source.configMap(ns, m.getName(), m.getOptional()), m.getItems(), dir);
    } else if (p.getDownwardAPI() != null) {
      writeDownward(pod, podIp, p.getDownwardAPI().getItems(), dir);
    }
  }

  /** Every key of the source as a file, or only the listed items at their paths. */
  private void writeItems(Source source, List<KeyToPath> items, Path dir)
      throws StartupError, IOException {
    Map<String, byte[]> data = sources.read(source);
    if (items == null || items.isEmpty()) {
      for (var e : data.entrySet()) {
        Files.write(dir.resolve(e.getKey()), e.getValue());
      }
      return;
    }
    for (KeyToPath item : items) {
      byte[] value = ConfigSources.key(data, item.getKey(), false, source.describe());
      Path file = dir.resolve(item.getPath());
      Files.createDirectories(file.getParent());
      Files.write(file, value);
    }
  }

  private static void writeDownward(
      Pod pod, String podIp, List<DownwardAPIVolumeFile> items, Path dir)
      throws StartupError, IOException {
    for (DownwardAPIVolumeFile item : items) {
      if (item.getFieldRef() == null) {
        throw new StartupError(
            "CreateContainerConfigError",
            "downwardAPI item " + item.getPath() + ": only fieldRef exists in the sandbox");
      }
      Path file = dir.resolve(item.getPath());
      Files.createDirectories(file.getParent());
      Files.writeString(file, PodFields.get(pod, podIp, item.getFieldRef().getFieldPath()));
    }
  }

  private static List<Volume> volumes(Pod pod) {
    return pod.getSpec().getVolumes() == null ? List.of() : pod.getSpec().getVolumes();
  }
}
