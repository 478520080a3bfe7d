package dev.kiln.operator.trainingjob;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.operator.support.Pods;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What Kiln's own inspection of the model dir found, read from the termination message of the
 * {@code inspect-model} container that exited 0: {"artifact": {"path", "sha256", "sizeBytes",
 * "format"}, "metrics": {name: number}, "warnings": [...]}. Pure.
 *
 * @param path the model file, relative to the model dir
 * @param format null when the file's extension is not a known one
 * @param metrics the metrics file's numbers, as the status writes them
 * @param warnings what the inspection skipped, for Warning Events
 */
record ModelInspection(
    String path,
    String sha256,
    long sizeBytes,
    String format,
    Map<String, String> metrics,
    List<String> warnings) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_WARNINGS = 10;

  /** The inspection's result, or why it cannot be used. */
  record Read(ModelInspection inspection, String problem) {}

  /** The newest inspect pod's result; empty while no inspect container exited 0. */
  static Optional<Read> read(List<Pod> inspectPods) {
    return terminated(inspectPods, 0).map(t -> parse(t.getMessage()));
  }

  /** The newest inspect container that terminated with this exit code. */
  static Optional<ContainerStateTerminated> terminated(List<Pod> inspectPods, int exitCode) {
    return terminations(inspectPods).stream()
        .filter(t -> Integer.valueOf(exitCode).equals(t.getExitCode()))
        .findFirst();
  }

  /** The inspect containers that terminated, newest pod first. */
  static List<ContainerStateTerminated> terminations(List<Pod> inspectPods) {
    List<ContainerStateTerminated> all = new ArrayList<>();
    for (Pod pod : Pods.newestFirst(inspectPods)) {
      for (var cs : Pods.containerStatuses(pod)) {
        var t = cs.getState() == null ? null : cs.getState().getTerminated();
        if (InspectJobBuilder.INSPECT.equals(cs.getName()) && t != null) {
          all.add(t);
        }
      }
    }
    return all;
  }

  static Read parse(String message) {
    JsonNode root;
    try {
      root = message == null ? null : JSON.readTree(message);
    } catch (Exception e) {
      root = null;
    }
    JsonNode artifact = root == null ? null : root.path("artifact");
    String path = artifact == null ? null : text(artifact.path("path"), 1024);
    String sha256 = artifact == null ? null : text(artifact.path("sha256"), 64);
    JsonNode size = artifact == null ? null : artifact.path("sizeBytes");
    if (path == null
        || path.startsWith("/")
        || path.contains("..")
        || sha256 == null
        || !sha256.matches("[0-9a-f]{64}")
        || !size.canConvertToLong()
        || size.asLong() < 0) {
      return new Read(
          null,
          "the model inspection left no usable result: "
              + (message == null || message.isBlank()
                  ? "no termination message"
                  : Pods.bound(message)));
    }
    return new Read(
        new ModelInspection(
            path,
            sha256,
            size.asLong(),
            text(artifact.path("format"), 64),
            metrics(root.path("metrics")),
            warnings(root.path("warnings"))),
        null);
  }

  /**
   * Why this inspection contradicts what the trainer reported, if it does: a digest reported for
   * the file (or the folder holding it) that is not the file's. The loader checks this itself when
   * it is told; this also covers a run whose report was not seen in time to tell it.
   */
  Optional<String> contradicts(TerminationMessage reported) {
    if (reported == null || reported.sha256() == null) {
      return Optional.empty();
    }
    String claimed = reported.artifactPath();
    boolean sameFile = claimed == null || path.equals(claimed) || path.startsWith(claimed + "/");
    String expected = reported.sha256().strip().toLowerCase(Locale.ROOT);
    if (expected.startsWith("sha256:")) {
      expected = expected.substring("sha256:".length());
    }
    if (!sameFile || expected.equals(sha256)) {
      return Optional.empty();
    }
    return Optional.of(
        "sha256 of " + path + " is " + sha256 + ", but the trainer reported " + reported.sha256());
  }

  private static Map<String, String> metrics(JsonNode m) {
    Map<String, String> metrics = new LinkedHashMap<>();
    for (var e : m.properties()) {
      if (e.getValue().isNumber()
          && e.getKey().length() <= 63
          && metrics.size() < TerminationMessage.MAX_METRICS) {
        metrics.put(e.getKey(), TerminationMessage.decimal(e.getValue()));
      }
    }
    return metrics;
  }

  private static List<String> warnings(JsonNode w) {
    List<String> warnings = new ArrayList<>();
    for (JsonNode n : w) {
      if (n.isTextual() && warnings.size() < MAX_WARNINGS) {
        warnings.add(Pods.bound(n.asText()));
      }
    }
    return warnings;
  }

  private static String text(JsonNode v, int max) {
    return v.isTextual() && !v.asText().isBlank() && v.asText().length() <= max ? v.asText() : null;
  }
}
