package dev.kiln.loader;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A trainer's metrics file: one flat JSON object of numbers, {"accuracy": 0.97, "loss": 0.08}.
 * Whatever else it holds is skipped with a warning, never a failure: the model is still good.
 *
 * @param metrics the usable metrics, in the file's order
 * @param warnings what was skipped and why
 */
record MetricsFile(Map<String, Double> metrics, List<String> warnings) {
  /** As many metrics as Kiln keeps in a status (the trainer's termination message has the same). */
  static final int MAX_METRICS = 64;

  /** A metrics file is small; anything larger is not one. */
  static final long MAX_BYTES = 1 << 20;

  /** The names the TrainingJob API accepts for a metric (spec.keyMetric, the quality gate). */
  private static final Pattern NAME = Pattern.compile("^[A-Za-z][A-Za-z0-9_.-]{0,62}$");

  /** Python's json.dump writes NaN and Infinity; read them so the warning can name them. */
  private static final JsonFactory JSON =
      JsonFactory.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  static final MetricsFile NONE = new MetricsFile(Map.of(), List.of());

  /** Reads {@code file}; no file means no metrics and nothing to warn about. */
  static MetricsFile read(Path file, String shownAs) throws IOException {
    if (!Files.isRegularFile(file)) {
      return NONE;
    }
    if (Files.size(file) > MAX_BYTES) {
      return warning(shownAs + " is larger than 1 MiB; its metrics were ignored");
    }
    try (InputStream in = Files.newInputStream(file);
        JsonParser parser = JSON.createParser(in)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return warning(shownAs + " is not a JSON object of numbers; its metrics were ignored");
      }
      return fields(parser, shownAs);
    } catch (JsonProcessingException e) {
      return warning(
          shownAs
              + " is not valid JSON ("
              + Messages.firstLine(e.getOriginalMessage())
              + "); its metrics were ignored");
    }
  }

  private static MetricsFile fields(JsonParser parser, String shownAs) throws IOException {
    Map<String, Double> metrics = new LinkedHashMap<>();
    List<String> warnings = new ArrayList<>();
    int dropped = 0;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      String problem = problem(name, value, parser);
      if (value.isStructStart()) {
        parser.skipChildren();
      }
      if (problem != null) {
        warnings.add(shownAs + ": " + problem + " (skipped)");
      } else if (metrics.size() < MAX_METRICS || metrics.containsKey(name)) {
        metrics.put(name, parser.getDoubleValue());
      } else {
        dropped++;
      }
    }
    if (dropped > 0) {
      warnings.add(
          shownAs
              + ": only the first "
              + MAX_METRICS
              + " metrics are kept; "
              + dropped
              + " skipped");
    }
    return new MetricsFile(metrics, warnings);
  }

  /** Why this field is not a metric, or null when it is one. */
  private static String problem(String name, JsonToken value, JsonParser parser)
      throws IOException {
    if (!NAME.matcher(name).matches()) {
      return "\""
          + Messages.firstLine(name.length() > 80 ? name.substring(0, 80) + "…" : name)
          + "\" is not a metric name (a letter, then up to 62 letters, digits, '_', '.' or '-')";
    }
    if (value.isNumeric()) {
      boolean finite = Double.isFinite(parser.getDoubleValue());
      return finite ? null : name + " is " + parser.getText() + ", not a finite number";
    }
    return name + " is " + describe(value) + ", not a number";
  }

  private static String describe(JsonToken value) {
    return switch (value) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "a list";
      case VALUE_STRING -> "a string";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> "not a number";
    };
  }

  private static MetricsFile warning(String warning) {
    return new MetricsFile(Map.of(), List.of(warning));
  }
}
