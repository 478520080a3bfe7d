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
    String ns = pod.getMetadata().getNamespace();
    for (Volume v : volumes(pod)) {
      Path dir = podDir.resolve("volumes").resolve(v.getName());
      try {
        if (v.getPersistentVolumeClaim() != null) {
          String claim = v.getPersistentVolumeClaim().getClaimName();
          PersistentVolumeClaim pvc =
              client.persistentVolumeClaims().inNamespace(ns).withName(claim).get();
          if (pvc == null) {
            throw new StartupError(
                "ContainerCreating", "persistentvolumeclaim \"" + claim + "\" not found");
          }
          dir =
              provisioner
                  .folder(pvc)
                  .orElseThrow(
                      () ->
                          new StartupError(
                              "ContainerCreating",
                              "persistentvolumeclaim \"" + claim + "\" is not bound"));
        } else if (v.getEmptyDir() != null) {
          Files.createDirectories(dir);
        } else if (v.getSecret() != null) {
          Files.createDirectories(dir);
          writeSecret(
              ns,
              v.getSecret().getSecretName(),
              v.getSecret().getItems(),
              dir,
              v.getSecret().getOptional());
        } else if (v.getConfigMap() != null) {
          Files.createDirectories(dir);
          writeConfigMap(
              ns,
              v.getConfigMap().getName(),
              v.getConfigMap().getItems(),
              dir,
              v.getConfigMap().getOptional());
        } else if (v.getDownwardAPI() != null) {
          Files.createDirectories(dir);
          writeDownward(pod, podIp, v.getDownwardAPI().getItems(), dir);
        } else if (v.getProjected() != null) {
          Files.createDirectories(dir);
          for (VolumeProjection p : v.getProjected().getSources()) {
            if (p.getSecret() != null) {
              writeSecret(
                  ns,
                  p.getSecret().getName(),
                  p.getSecret().getItems(),
                  dir,
                  p.getSecret().getOptional());
            } else if (p.getConfigMap() != null) {
              writeConfigMap(
                  ns,
                  p.getConfigMap().getName(),
                  p.getConfigMap().getItems(),
                  dir,
                  p.getConfigMap().getOptional());
            } else if (p.getDownwardAPI() != null) {
              writeDownward(pod, podIp, p.getDownwardAPI().getItems(), dir);
            }
          }
        } else {
          throw new StartupError(
              "CreateContainerConfigError",
              "volume \""
                  + v.getName()
                  + "\": only persistentVolumeClaim, emptyDir, secret,"
                  + " configMap, downwardAPI and projected volumes exist in the sandbox");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      folders.put(v.getName(), dir);
    }
    return folders;
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
