package dev.kiln.operator.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.operator.support.Decimals;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One progress report from a trainer: {@code {epoch, totalEpochs, step, totalSteps, metrics: {name:
 * number}}}, every field optional. Parsing rejects anything else with a message naming the field,
 * so a trainer author sees exactly what to fix.
 */
public record ProgressReport(
    Long epoch, Long totalEpochs, Long step, Long totalSteps, Map<String, String> metrics) {

  public static final int MAX_METRICS = 64;

  /** How much of a name or value the caller sent an error message repeats. */
  static final int MAX_QUOTED = 64;

  static final Pattern METRIC_NAME = Pattern.compile("^[A-Za-z][A-Za-z0-9_.-]{0,62}$");
  private static final Set<String> FIELDS =
      Set.of("epoch", "totalEpochs", "step", "totalSteps", "metrics");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A report that cannot be used, with the reason. */
  public static final class InvalidReport extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidReport(String message) {
      super(message);
    }
  }

  public static ProgressReport parse(String body) throws InvalidReport {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new InvalidReport("body is not valid JSON: " + quoted(e.getOriginalMessage(), 160));
    }
    if (root == null || !root.isObject()) {
      throw new InvalidReport("body must be a JSON object");
    }
    knownFieldsOnly(root);
    Long epoch = count(root, "epoch");
    Long totalEpochs = count(root, "totalEpochs");
    Long step = count(root, "step");
    Long totalSteps = count(root, "totalSteps");
    if (epoch != null && totalEpochs != null && epoch > totalEpochs) {
      throw new InvalidReport("epoch " + epoch + " is greater than totalEpochs " + totalEpochs);
    }
    if (step != null && totalSteps != null && step > totalSteps) {
      throw new InvalidReport("step " + step + " is greater than totalSteps " + totalSteps);
    }
    return new ProgressReport(epoch, totalEpochs, step, totalSteps, metrics(root.get("metrics")));
  }

  private static void knownFieldsOnly(JsonNode root) throws InvalidReport {
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!FIELDS.contains(field)) {
        throw new InvalidReport(
            "unknown field "
                + quoted(field)
                + "; allowed: epoch, totalEpochs, step, totalSteps, metrics");
      }
    }
  }

  private static Long count(JsonNode root, String field) throws InvalidReport {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
      throw new InvalidReport(field + " must be a non-negative whole number, got " + quoted(v));
    }
    return v.asLong();
  }

  private static Map<String, String> metrics(JsonNode node) throws InvalidReport {
    Map<String, String> metrics = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return metrics;
    }
    if (!(node instanceof ObjectNode object)) {
      throw new InvalidReport("metrics must be an object of name: number");
    }
    if (object.size() > MAX_METRICS) {
      throw new InvalidReport("metrics has " + object.size() + " entries; at most " + MAX_METRICS);
    }
    for (var e : object.properties()) {
      if (!METRIC_NAME.matcher(e.getKey()).matches()) {
        throw new InvalidReport(
            "metrics."
                + quoted(e.getKey())
                + ": names start with a letter and use letters, digits, _ . -"
                + " (at most 63)");
      }
      JsonNode v = e.getValue();
      if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
        throw new InvalidReport(
            "metrics." + e.getKey() + " must be a finite number, got " + quoted(v));
      }
      metrics.put(e.getKey(), Decimals.format(v.asDouble()));
    }
    return metrics;
  }

  private static String quoted(JsonNode sent) {
    return quoted(sent.toString());
  }

  /**
   * What the caller sent, cut to {@value #MAX_QUOTED} characters: an error names the culprit
   * without echoing kilobytes back (or into a log that keeps it).
   */
  static String quoted(String sent) {
    return quoted(sent, MAX_QUOTED);
  }

  private static String quoted(String sent, int max) {
    if (sent == null || sent.length() <= max) {
      return sent;
    }
    return sent.substring(0, max) + "… (" + sent.length() + " characters)";
  }
}
