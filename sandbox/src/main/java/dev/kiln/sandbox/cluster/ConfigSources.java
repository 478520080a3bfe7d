package dev.kiln.sandbox.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

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

  /** A ConfigMap or a Secret that a pod names, optional or not. */
  record Source(boolean secret, String namespace, String name, Boolean optional) {
    static Source configMap(String namespace, String name, Boolean optional) {
      return new Source(false, namespace, name, optional);
    }

    static Source secret(String namespace, String name, Boolean optional) {
      return new Source(true, namespace, name, optional);
    }

    /** As the kubelet names it in a missing key's message: "Secret ns/name". */
    String describe() {
      return (secret ? "Secret " : "ConfigMap ") + namespace + "/" + name;
    }
  }

  /** The source's keys and decoded values; empty when it is missing and optional. */
  Map<String, byte[]> read(Source source) throws StartupError {
    Optional<Map<String, byte[]>> data = source.secret() ? secret(source) : configMap(source);
    if (data.isPresent()) {
      return data.get();
    }
    if (Boolean.TRUE.equals(source.optional())) {
      return Map.of();
    }
    String kind = source.secret() ? "secret" : "configmap";
    throw new StartupError(
        "CreateContainerConfigError", kind + " \"" + source.name() + "\" not found");
  }

  /**
   * One key's value as text, as {@code valueFrom} reads it (an optional source: its optional key).
   */
  String keyText(Source source, String key) throws StartupError {
    return text(key(read(source), key, source.optional(), source.describe()));
  }

  private Optional<Map<String, byte[]>> configMap(Source s) {
    return Optional.ofNullable(
            client.configMaps().inNamespace(s.namespace()).withName(s.name()).get())
        .map(
            cm ->
                decoded(
                    cm.getData(), ConfigSources::utf8, cm.getBinaryData(), ConfigSources::base64));
  }

  private Optional<Map<String, byte[]>> secret(Source s) {
    return Optional.ofNullable(client.secrets().inNamespace(s.namespace()).withName(s.name()).get())
        .map(
            secret ->
                decoded(
                    secret.getData(),
                    ConfigSources::base64,
                    secret.getStringData(),
                    ConfigSources::utf8));
  }

  /** Both of a source's maps in one, the second winning, as the kubelet merges them. */
  private static Map<String, byte[]> decoded(
      Map<String, String> first,
      Function<String, byte[]> decodeFirst,
      Map<String, String> second,
      Function<String, byte[]> decodeSecond) {
    Map<String, byte[]> data = new LinkedHashMap<>();
    if (first != null) {
      first.forEach((k, v) -> data.put(k, decodeFirst.apply(v)));
    }
    if (second != null) {
      second.forEach((k, v) -> data.put(k, decodeSecond.apply(v)));
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

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] base64(String value) {
    return Base64.getDecoder().decode(value);
  }

  static String text(byte[] value) {
    return new String(value, StandardCharsets.UTF_8);
  }
}
