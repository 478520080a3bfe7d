package dev.kiln.sandbox.cluster;

import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
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
    String ns = pod.getMetadata().getNamespace();
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
    if (v.getSecret() != null) {
      var secret = v.getSecret();
      writeSecret(ns, secret.getSecretName(), secret.getItems(), dir, secret.getOptional());
    } else if (v.getConfigMap() != null) {
      var map = v.getConfigMap();
      writeConfigMap(ns, map.getName(), map.getItems(), dir, map.getOptional());
    } else if (v.getDownwardAPI() != null) {
      writeDownward(pod, podIp, v.getDownwardAPI().getItems(), dir);
    } else if (v.getProjected() != null) {
      for (VolumeProjection p : v.getProjected().getSources()) {
        writeProjection(pod, podIp, p, dir);
      }
    }
    return dir;
  }

  private void writeProjection(Pod pod, String podIp, VolumeProjection p, Path dir)
      throws StartupError, IOException {
    String ns = pod.getMetadata().getNamespace();
    if (p.getSecret() != null) {
      var secret = p.getSecret();
      writeSecret(ns, secret.getName(), secret.getItems(), dir, secret.getOptional());
    } else if (p.getConfigMap() != null) {
      var map = p.getConfigMap();
      writeConfigMap(ns, map.getName(), map.getItems(), dir, map.getOptional());
    } else if (p.getDownwardAPI() != null) {
      writeDownward(pod, podIp, p.getDownwardAPI().getItems(), dir);
    }
  }

  private void writeSecret(
      String ns, String name, List<KeyToPath> items, Path dir, Boolean optional)
      throws StartupError, IOException {
    write(sources.secret(ns, name, optional), items, dir, "Secret " + ns + "/" + name);
  }

  private void writeConfigMap(
      String ns, String name, List<KeyToPath> items, Path dir, Boolean optional)
      throws StartupError, IOException {
    write(sources.configMap(ns, name, optional), items, dir, "ConfigMap " + ns + "/" + name);
  }

  private static void write(Map<String, byte[]> data, List<KeyToPath> items, Path dir, String what)
      throws StartupError, IOException {
    if (items == null || items.isEmpty()) {
      for (var e : data.entrySet()) {
        Files.write(dir.resolve(e.getKey()), e.getValue());
      }
      return;
    }
    for (KeyToPath item : items) {
      byte[] value = ConfigSources.key(data, item.getKey(), false, what);
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
