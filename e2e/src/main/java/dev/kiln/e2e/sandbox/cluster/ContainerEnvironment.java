package dev.kiln.e2e.sandbox.cluster;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A container's environment as the kubelet computes it: {@code envFrom} first, then {@code env}
 * (later wins), values from ConfigMaps, Secrets and pod fields, and {@code $(VAR)} references to
 * variables defined before. A missing ConfigMap, Secret or key is a CreateContainerConfigError with
 * the kubelet's message.
 */
final class ContainerEnvironment {
  private final KubernetesClient client;

  ContainerEnvironment(KubernetesClient client) {
    this.client = client;
  }

  Map<String, String> resolve(Pod pod, Container c, String podIp) throws StartupError {
    String ns = pod.getMetadata().getNamespace();
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvFromSource from : list(c.getEnvFrom())) {
      String prefix = from.getPrefix() == null ? "" : from.getPrefix();
      Map<String, String> values;
      if (from.getConfigMapRef() != null) {
        values =
            configMap(ns, from.getConfigMapRef().getName(), from.getConfigMapRef().getOptional());
      } else if (from.getSecretRef() != null) {
        values = secret(ns, from.getSecretRef().getName(), from.getSecretRef().getOptional());
      } else {
        values = Map.of();
      }
      values.forEach((k, v) -> env.put(prefix + k, v));
    }
    for (EnvVar v : list(c.getEnv())) {
      env.put(v.getName(), value(pod, podIp, v, env));
    }
    return env;
  }

  private String value(Pod pod, String podIp, EnvVar v, Map<String, String> defined)
      throws StartupError {
    EnvVarSource from = v.getValueFrom();
    if (from == null) {
      return expand(v.getValue() == null ? "" : v.getValue(), defined);
    }
    String ns = pod.getMetadata().getNamespace();
    if (from.getConfigMapKeyRef() != null) {
      var ref = from.getConfigMapKeyRef();
      return key(
          configMap(ns, ref.getName(), ref.getOptional()),
          ref.getKey(),
          ref.getOptional(),
          "ConfigMap " + ns + "/" + ref.getName());
    }
    if (from.getSecretKeyRef() != null) {
      var ref = from.getSecretKeyRef();
      return key(
          secret(ns, ref.getName(), ref.getOptional()),
          ref.getKey(),
          ref.getOptional(),
          "Secret " + ns + "/" + ref.getName());
    }
    if (from.getFieldRef() != null) {
      return PodFields.get(pod, podIp, from.getFieldRef().getFieldPath());
    }
    throw new StartupError(
        "CreateContainerConfigError",
        "env " + v.getName() + ": resourceFieldRef does not exist in the sandbox");
  }

  private static String key(Map<String, String> values, String key, Boolean optional, String what)
      throws StartupError {
    String value = values.get(key);
    if (value == null && !Boolean.TRUE.equals(optional)) {
      throw new StartupError(
          "CreateContainerConfigError", "couldn't find key " + key + " in " + what);
    }
    return value == null ? "" : value;
  }

  private Map<String, String> configMap(String ns, String name, Boolean optional)
      throws StartupError {
    ConfigMap cm = client.configMaps().inNamespace(ns).withName(name).get();
    if (cm == null) {
      if (Boolean.TRUE.equals(optional)) {
        return Map.of();
      }
      throw new StartupError("CreateContainerConfigError", "configmap \"" + name + "\" not found");
    }
    return cm.getData() == null ? Map.of() : cm.getData();
  }

  private Map<String, String> secret(String ns, String name, Boolean optional) throws StartupError {
    Secret secret = client.secrets().inNamespace(ns).withName(name).get();
    if (secret == null) {
      if (Boolean.TRUE.equals(optional)) {
        return Map.of();
      }
      throw new StartupError("CreateContainerConfigError", "secret \"" + name + "\" not found");
    }
    Map<String, String> values = new LinkedHashMap<>();
    if (secret.getData() != null) {
      secret
          .getData()
          .forEach(
              (k, v) ->
                  values.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    if (secret.getStringData() != null) {
      values.putAll(secret.getStringData());
    }
    return values;
  }

  /** Kubernetes' {@code $(VAR)} expansion: defined names are replaced, {@code $$} is a dollar. */
  static String expand(String text, Map<String, String> defined) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch == '$' && i + 1 < text.length()) {
        char next = text.charAt(i + 1);
        if (next == '$') {
          out.append('$');
          i++;
          continue;
        }
        int close = text.indexOf(')', i + 2);
        if (next == '(' && close > 0) {
          String name = text.substring(i + 2, close);
          if (defined.containsKey(name)) {
            out.append(defined.get(name));
            i = close;
            continue;
          }
        }
      }
      out.append(ch);
    }
    return out.toString();
  }

  private static <T> List<T> list(List<T> list) {
    return list == null ? List.of() : list;
  }
}
