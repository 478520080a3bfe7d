package dev.kiln.operator.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metrics docs/operations.md#metrics documents, read from its tables: each row names metrics
 * (first cell), their type, their labels with the values known up front ({@code `result` (`a`,
 * `b`)}, or the TrainingJob failure reasons of docs/status.md#failure-reasons) and, for a
 * histogram, its buckets ({@code Buckets: 10 s, 1 min, ..., 7 d}).
 */
final class MetricsDoc {
  static final Path OPERATIONS = Path.of("../docs/operations.md");
  static final Path STATUS = Path.of("../docs/status.md");

  private static final Pattern CODE = Pattern.compile("`([^`]+)`");
  private static final Pattern LABEL_VALUES = Pattern.compile("`([a-z_]+)` \\(([^)]*)\\)");
  private static final Pattern IDENTIFIER =
      Pattern.compile("(?<![0-9.])([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\()?");
  private static final Pattern BUCKET = Pattern.compile("(\\d+) (s|min|h|d)\\b");

  /** One documented metric. */
  record Metric(
      String name, String type, Map<String, List<String>> labelValues, List<Duration> buckets) {}

  private MetricsDoc() {}

  static List<Metric> metrics() {
    List<Metric> metrics = new ArrayList<>();
    for (List<String> row : rows(section(read(OPERATIONS), "## Metrics"))) {
      if (row.size() < 4) {
        continue;
      }
      Map<String, List<String>> labelValues = labelValues(row.get(2));
      List<Duration> buckets = buckets(row.get(3));
      for (String name : codes(row.get(0))) {
        if (name.matches("[a-z_:]+")) {
          metrics.add(new Metric(name, row.get(1).trim(), labelValues, buckets));
        }
      }
    }
    return metrics;
  }

  /** The alert rules of docs/operations.md#alerts: the YAML block. */
  static String alertRules() {
    String section = section(read(OPERATIONS), "## Alerts");
    int start = section.indexOf("```yaml\n");
    int end = section.indexOf("```", start + 8);
    if (start < 0 || end < 0) {
      throw new IllegalStateException("no yaml block in docs/operations.md#alerts");
    }
    return section.substring(start + 8, end);
  }

  /**
   * The metric names a PromQL expression reads: identifiers that are not functions, keywords, label
   * matchers, grouping labels or range durations.
   */
  static List<String> metricNames(String expr) {
    String stripped =
        expr.replaceAll("\\{[^}]*\\}", " ")
            .replaceAll("\\[[^\\]]*\\]", " ")
            .replaceAll("\\b(by|without|on|ignoring)\\s*\\([^)]*\\)", " ");
    List<String> names = new ArrayList<>();
    Matcher m = IDENTIFIER.matcher(stripped);
    while (m.find()) {
      if (m.group(2) == null
          && !List.of("by", "without", "bool", "and", "or").contains(m.group(1))) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /** The reasons docs/status.md#failure-reasons gives for a TrainingJob (kind "both" or it). */
  static List<String> trainingJobFailureReasons() {
    List<String> reasons = new ArrayList<>();
    for (List<String> row : rows(section(read(STATUS), "## Failure reasons"))) {
      String kind = row.size() > 1 ? row.get(1).trim() : "";
      if (kind.equals("both") || kind.equals("TrainingJob")) {
        reasons.addAll(codes(row.get(0)));
      }
    }
    return reasons;
  }

  private static Map<String, List<String>> labelValues(String cell) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    Matcher m = LABEL_VALUES.matcher(cell);
    while (m.find()) {
      values.put(
          m.group(1),
          m.group(2).contains("status.md#failure-reasons")
              ? trainingJobFailureReasons()
              : codes(m.group(2)));
    }
    return values;
  }

  private static List<Duration> buckets(String cell) {
    int at = cell.indexOf("Buckets:");
    List<Duration> buckets = new ArrayList<>();
    if (at < 0) {
      return buckets;
    }
    Matcher m = BUCKET.matcher(cell.substring(at));
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      buckets.add(
          switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "min" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
          });
    }
    return buckets;
  }

  private static List<String> codes(String cell) {
    List<String> codes = new ArrayList<>();
    Matcher m = CODE.matcher(cell);
    while (m.find()) {
      codes.add(m.group(1));
    }
    return codes;
  }

  /** The table rows of a section, cells split, the header and separator left out. */
  private static List<List<String>> rows(String section) {
    List<List<String>> rows = new ArrayList<>();
    for (String line : section.lines().toList()) {
      if (line.startsWith("| `")) {
        String inner = line.substring(1, line.lastIndexOf('|'));
        rows.add(List.of(inner.split("\\|", -1)));
      }
    }
    return rows;
  }

  private static String section(String doc, String heading) {
    int start = doc.indexOf("\n" + heading + "\n");
    if (start < 0) {
      throw new IllegalStateException("no section " + heading);
    }
    int end = doc.indexOf("\n## ", start + heading.length() + 1);
    return doc.substring(start, end < 0 ? doc.length() : end);
  }

  private static String read(Path doc) {
    try {
      return Files.readString(doc);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
