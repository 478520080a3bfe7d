package dev.kiln.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The hyperparameters, names lower-cased: the JSON object in {@code KILN_HPARAMS_FILE}, then {@code
 * KILN_HP_<UPPER_SNAKE>} variables, which win over the file. A value that does not parse is a
 * {@link TrainerException} naming it.
 */
final class Hyperparameters {
  private static final String ENV_PREFIX = "KILN_HP_";

  private final Map<String, String> values;

  private Hyperparameters(Map<String, String> values) {
    this.values = values;
  }

  static Hyperparameters fromEnv(Map<String, String> env) {
    Map<String, String> hp = new TreeMap<>();
    String hpFile = TrainerConfig.blankToNull(env.get("KILN_HPARAMS_FILE"));
    if (hpFile != null) {
      hp.putAll(readFile(Path.of(hpFile)));
    }
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (e.getKey().startsWith(ENV_PREFIX) && e.getKey().length() > ENV_PREFIX.length()) {
        hp.put(e.getKey().substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT), e.getValue());
      }
    }
    return new Hyperparameters(hp);
  }

  static Map<String, String> readFile(Path file) {
    JsonNode node;
    try {
      node = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new TrainerException(
          "KILN_HPARAMS_FILE "
              + file
              + " is not readable JSON: "
              + TrainerLog.firstLine(e.getMessage()));
    }
    if (node == null || !node.isObject()) {
      throw new TrainerException("KILN_HPARAMS_FILE " + file + " must hold a JSON object");
    }
    Map<String, String> hp = new TreeMap<>();
    for (Map.Entry<String, JsonNode> f : node.properties()) {
      JsonNode v = f.getValue();
      hp.put(f.getKey().toLowerCase(Locale.ROOT), v.isValueNode() ? v.asText() : v.toString());
    }
    return hp;
  }

  Map<String, String> asMap() {
    return Map.copyOf(values);
  }

  String text(String name) {
    return TrainerConfig.blankToNull(values.get(name));
  }

  int intValue(String name, int def, int min, int max) {
    String v = values.get(name);
    if (v == null) {
      return def;
    }
    long value = parseLong("hyperparameter " + name, v);
    if (value < min || value > max) {
      throw new TrainerException(
          "hyperparameter " + name + " must be in [" + min + ", " + max + "], got " + v);
    }
    return (int) value;
  }

  long longValue(String name, long def) {
    String v = values.get(name);
    return v == null ? def : parseLong("hyperparameter " + name, v);
  }

  double doubleValue(String name, double def) {
    String v = values.get(name);
    if (v == null) {
      return def;
    }
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new TrainerException(
          "hyperparameter " + name + " must be a number, got '" + v.trim() + "'");
    }
  }

  static long parseLong(String what, String v) {
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new TrainerException(what + " must be an integer, got '" + v.trim() + "'");
    }
  }
}
