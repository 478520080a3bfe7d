package dev.kiln.operator.trainingjob;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.operator.support.Decimals;
import dev.kiln.operator.support.Pods;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The trainer's final report, read from its termination message (/dev/termination-log): {"metrics":
 * {name: number}, "artifact": {"path", "sha256", "format", "sizeBytes"}}. Kubernetes caps the
 * message at 4 KiB; anything else is "malformed" and reported, never fatal.
 */
public record TerminationMessage(
    Map<String, String> metrics, String artifactPath, String sha256, String format, Long size) {

  public static final int MAX_METRICS = 64;
  public static final int MAX_BYTES = 4096;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What makes a termination message unusable; the message says what. Cheap. */
  private static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  /** Parses a termination message; a message naming what is wrong if it cannot. */
  public static Parsed parse(String message) {
    if (message == null || message.isBlank()) {
      return new Parsed(null, null);
    }
    try {
      JsonNode root = object(message);
      Map<String, String> metrics = metrics(root.path("metrics"));
      return new Parsed(withArtifact(metrics, root.path("artifact")), null);
    } catch (Malformed e) {
      return new Parsed(null, e.getMessage());
    }
  }

  private static JsonNode object(String message) throws Malformed {
    if (message.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_BYTES) {
      throw new Malformed("termination message is larger than " + MAX_BYTES + " bytes");
    }
    JsonNode root;
    try {
      root = JSON.readTree(message);
    } catch (Exception e) {
      throw new Malformed("termination message is not JSON: " + Pods.bound(firstLine(message)));
    }
    if (root == null || !root.isObject()) {
      throw new Malformed("termination message is not a JSON object");
    }
    return root;
  }

  /** Numbers only; at most MAX_METRICS, names of at most 63 characters (others are dropped). */
  private static Map<String, String> metrics(JsonNode m) throws Malformed {
    Map<String, String> metrics = new LinkedHashMap<>();
    if (!m.isMissingNode() && !m.isObject()) {
      throw new Malformed("termination message: metrics must be an object of numbers");
    }
    for (var e : m.properties()) {
      if (!e.getValue().isNumber()) {
        throw new Malformed("termination message: metric " + e.getKey() + " is not a number");
      }
      if (metrics.size() < MAX_METRICS && e.getKey().length() <= 63) {
        metrics.put(e.getKey(), decimal(e.getValue()));
      }
    }
    return metrics;
  }

  private static TerminationMessage withArtifact(Map<String, String> metrics, JsonNode a)
      throws Malformed {
    String path = text(a, "path");
    if (path != null && (path.startsWith("/") || path.contains(".."))) {
      throw new Malformed("termination message: artifact.path must be relative to the model dir");
    }
    Long size = a.path("sizeBytes").isIntegralNumber() ? a.path("sizeBytes").asLong() : null;
    return new TerminationMessage(metrics, path, text(a, "sha256"), text(a, "format"), size);
  }

  /**
   * The reason a failed trainer gave: {"error": "..."}, or else the whole message trimmed (the last
   * log lines with FallbackToLogsOnError; a traceback's first line says nothing).
   */
  public static Optional<String> errorLine(String message) {
    if (message == null || message.isBlank()) {
      return Optional.empty();
    }
    try {
      JsonNode root = JSON.readTree(message);
      if (root != null && root.hasNonNull("error")) {
        return Optional.of(Pods.bound(root.get("error").asText()));
      }
    } catch (Exception e) {
      // Not JSON: the container's last log lines (FallbackToLogsOnError).
    }
    return Optional.of(Pods.bound(message));
  }

  static String decimal(JsonNode value) {
    return Decimals.format(value.asDouble());
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isTextual() && !v.asText().isBlank() && v.asText().length() <= 1024
        ? v.asText()
        : null;
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** A parsed message, or the reason it could not be used (for a Warning Event). */
  public record Parsed(TerminationMessage message, String problem) {}
}
