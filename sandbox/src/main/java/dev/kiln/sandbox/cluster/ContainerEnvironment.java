package dev.kiln.sandbox.cluster;

import dev.kiln.sandbox.cluster.ConfigSources.Source;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
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
  private final ConfigSources sources;

  ContainerEnvironment(ConfigSources sources) {
    this.sources = sources;
  }

  Map<String, String> resolve(Pod pod, Container c, String podIp) throws StartupError {
    String ns = pod.getMetadata().getNamespace();
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvFromSource from : list(c.getEnvFrom())) {
      String prefix = from.getPrefix() == null ? "" : from.getPrefix();
      Map<String, byte[]> values = Map.of();
      if (from.getConfigMapRef() != null) {
        var ref = from.getConfigMapRef();
        values = sources.read(Source.configMap(ns, ref.getName(), ref.getOptional()));
      } else if (from.getSecretRef() != null) {
        var ref = from.getSecretRef();
        values = sources.read(Source.secret(ns, ref.getName(), ref.getOptional()));
      }
      values.forEach((k, v) -> env.put(prefix + k, ConfigSources.text(v)));
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
      return sources.keyText(Source.configMap(ns, ref.getName(), ref.getOptional()), ref.getKey());
    }
    if (from.getSecretKeyRef() != null) {
      var ref = from.getSecretKeyRef();
      return sources.keyText(Source.secret(ns, ref.getName(), ref.getOptional()), ref.getKey());
    }
    if (from.getFieldRef() != null) {
      return PodFields.get(pod, podIp, from.getFieldRef().getFieldPath());
    }
    throw new StartupError(
        "CreateContainerConfigError",
        "env " + v.getName() + ": resourceFieldRef does not exist in the sandbox");
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
