package dev.kiln.sandbox.cluster;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ConfigMaps and Secrets a pod refers to (in env, envFrom and volumes), read as the kubelet
 * reads them: a missing one that is not optional is a CreateContainerConfigError with the kubelet's
 * message; an optional one reads as empty.
 */
final class ConfigSources {
  private final KubernetesClient client;

  ConfigSources(KubernetesClient client) {
    this.client = client;
  }

  Map<String, byte[]> configMap(String ns, String name, Boolean optional) throws StartupError {
    ConfigMap cm = client.configMaps().inNamespace(ns).withName(name).get();
    if (cm == null) {
      return missing("configmap", name, optional);
    }
    Map<String, byte[]> data = new LinkedHashMap<>();
    if (cm.getData() != null) {
      cm.getData().forEach((k, v) -> data.put(k, v.getBytes(StandardCharsets.UTF_8)));
    }
    if (cm.getBinaryData() != null) {
      cm.getBinaryData().forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
    }
    return data;
  }

  Map<String, byte[]> secret(String ns, String name, Boolean optional) throws StartupError {
    Secret secret = client.secrets().inNamespace(ns).withName(name).get();
    if (secret == null) {
      return missing("secret", name, optional);
    }
    Map<String, byte[]> data = new LinkedHashMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
    }
    if (secret.getStringData() != null) {
      secret.getStringData().forEach((k, v) -> data.put(k, v.getBytes(StandardCharsets.UTF_8)));
    }
    return data;
  }

  /** One key of a source; {@code what} names the source in the kubelet's words. */
  static byte[] key(Map<String, byte[]> values, String key, Boolean optional, String what)
      throws StartupError {
    byte[] value = values.get(key);
    if (value == null && !Boolean.TRUE.equals(optional)) {
      throw new StartupError(
          "CreateContainerConfigError", "couldn't find key " + key + " in " + what);
    }
    return value == null ? new byte[0] : value;
  }

  static String text(byte[] value) {
    return new String(value, StandardCharsets.UTF_8);
  }

  private static Map<String, byte[]> missing(String kind, String name, Boolean optional)
      throws StartupError {
    if (Boolean.TRUE.equals(optional)) {
      return Map.of();
    }
    throw new StartupError("CreateContainerConfigError", kind + " \"" + name + "\" not found");
  }
}
