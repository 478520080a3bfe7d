package dev.kiln.operator.support;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API server refused a child Kiln built (422 Unprocessable Entity): the spec asks for something
 * the admission rules of the CRD and of the operator did not catch (an older CRD, a newer API
 * server, an admission webhook). That is a spec problem, reported once as InvalidSpec naming the
 * TrainingJob's or ModelServer's field, never retried as if it were transient. Pure.
 */
public final class Refusals {
  public static final int UNPROCESSABLE = 422;

  /** A path in a child's pod template or pod spec, after the prefix up to {@code spec.}. */
  private static final Pattern POD_FIELD =
      Pattern.compile(
          "^(?:spec[.](?:template[.])?)?spec[.]"
              + "(?:(?:initContainers|containers)\\[\\d+\\][.])?([A-Za-z]+)");

  private static final Pattern TEMPLATE_METADATA =
      Pattern.compile("^spec[.]template[.]metadata[.](labels|annotations)");

  private Refusals() {}

  /** True for the API server's "this object is invalid" answer. */
  public static boolean isRefusal(Throwable e) {
    return e instanceof KubernetesClientException k && k.getCode() == UNPROCESSABLE;
  }

  /**
   * One problem per cause the API server gave, each {@code <spec field>: the API server refused
   * <Kind> <name>: <child field>: <its message>}, scrubbed of credentials.
   */
  public static List<String> problems(KubernetesClientException e) {
    Status status = e.getStatus();
    StatusDetails details = status == null ? null : status.getDetails();
    String child =
        details == null
            ? "a child object"
            : Objects.requireNonNullElse(details.getKind(), "object")
                + " "
                + Objects.requireNonNullElse(details.getName(), "");
    List<StatusCause> causes =
        details == null || details.getCauses() == null ? List.of() : details.getCauses();
    if (causes.isEmpty()) {
      String message = status != null && status.getMessage() != null ? status.getMessage() : "";
      return List.of(
          "spec: the API server refused " + child.trim() + ": " + Scrubber.scrub(message));
    }
    return causes.stream()
        .map(
            c ->
                specField(c.getField())
                    + ": the API server refused "
                    + child.trim()
                    + ": "
                    + (c.getField() == null ? "" : c.getField() + ": ")
                    + Scrubber.scrub(Objects.requireNonNullElse(c.getMessage(), c.getReason())))
        .toList();
  }

  /**
   * The field of a TrainingJob or ModelServer spec that a field of a child it built comes from,
   * e.g. {@code spec.template.spec.containers[0].env[3].valueFrom} → {@code spec.env}; {@code spec}
   * when it cannot tell.
   */
  static String specField(String childField) {
    if (childField == null || childField.isEmpty()) {
      return "spec";
    }
    if (childField.startsWith("metadata.name")) {
      return "metadata.name";
    }
    Matcher metadata = TEMPLATE_METADATA.matcher(childField);
    if (metadata.find()) {
      return "spec.pod." + metadata.group(1);
    }
    Matcher pod = POD_FIELD.matcher(childField);
    if (!pod.find()) {
      return "spec";
    }
    return switch (pod.group(1)) {
      case "env", "envFrom", "resources", "command", "args", "image" -> "spec." + pod.group(1);
      case "tolerations",
          "affinity",
          "nodeSelector",
          "imagePullSecrets",
          "priorityClassName",
          "serviceAccountName" ->
          "spec." + pod.group(1);
      case "volumes", "volumeMounts", "runtimeClassName", "schedulerName" ->
          "spec.pod." + pod.group(1);
      case "securityContext" -> "spec.pod";
      default -> "spec";
    };
  }
}
