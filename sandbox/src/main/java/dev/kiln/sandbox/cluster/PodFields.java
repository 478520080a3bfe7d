package dev.kiln.sandbox.cluster;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The pod fields the downward API exposes (env {@code fieldRef} and downwardAPI volumes). */
final class PodFields {
  private static final Pattern KEYED =
      Pattern.compile("metadata\\.(labels|annotations)\\['(.+)'\\]");

  private PodFields() {}

  static String get(Pod pod, String podIp, String path) throws StartupError {
    Matcher keyed = KEYED.matcher(path);
    if (keyed.matches()) {
      Map<String, String> map = map(pod, keyed.group(1));
      return map.getOrDefault(keyed.group(2), "");
    }
    return switch (path) {
      case "metadata.name" -> pod.getMetadata().getName();
      case "metadata.namespace" -> pod.getMetadata().getNamespace();
      case "metadata.uid" -> pod.getMetadata().getUid();
      case "metadata.labels", "metadata.annotations" ->
          map(pod, path.substring("metadata.".length())).entrySet().stream()
              .map(e -> e.getKey() + "=\"" + e.getValue().replace("\"", "\\\"") + "\"")
              .sorted()
              .collect(Collectors.joining("\n"));
      case "spec.nodeName" -> Kubelet.NODE;
      case "spec.serviceAccountName" ->
          pod.getSpec().getServiceAccountName() == null
              ? "default"
              : pod.getSpec().getServiceAccountName();
      case "status.podIP", "status.podIPs" -> podIp;
      case "status.hostIP", "status.hostIPs" -> "127.0.0.1";
      default ->
          throw new StartupError(
              "CreateContainerConfigError", "unsupported fieldPath " + path + " in the sandbox");
    };
  }

  private static Map<String, String> map(Pod pod, String which) {
    Map<String, String> map =
        which.equals("labels") ? pod.getMetadata().getLabels() : pod.getMetadata().getAnnotations();
    return map == null ? Map.of() : map;
  }
}
