package dev.kiln.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The pod contract (docs/pod-contract.md) as read from the environment. */
public record TrainerConfig(
    Path dataDir,
    Path checkpointDir,
    Path modelDir,
    Path terminationLog,
    String reportUrl,
    String reportToken,
    int attempt,
    Map<String, String> hyperparameters,
    int epochs,
    double learningRate,
    long seed,
    double testFraction,
    String labelColumn,
    int failAfterEpoch) {

  public static final Path DEFAULT_TERMINATION_LOG = Path.of("/dev/termination-log");

  /**
   * Reads the contract. Hyperparameters come from the JSON object in {@code KILN_HPARAMS_FILE},
   * then {@code KILN_HP_<UPPER_SNAKE>} variables, which win over the file.
   */
  public static TrainerConfig fromEnv(Map<String, String> env) {
    Map<String, String> hp = new TreeMap<>();
    String hpFile = blankToNull(env.get("KILN_HPARAMS_FILE"));
    if (hpFile != null) {
      hp.putAll(readHyperparameterFile(Path.of(hpFile)));
    }
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (e.getKey().startsWith("KILN_HP_") && e.getKey().length() > "KILN_HP_".length()) {
        hp.put(e.getKey().substring("KILN_HP_".length()).toLowerCase(Locale.ROOT), e.getValue());
      }
    }
    String token = null;
    String tokenFile = blankToNull(env.get("KILN_REPORT_TOKEN_FILE"));
    if (tokenFile != null) {
      try {
        token = Files.readString(Path.of(tokenFile), StandardCharsets.UTF_8).trim();
      } catch (IOException e) {
        // Reporting is optional: carry on without it, but say why.
        System.err.println(
            "kiln-trainer: cannot read KILN_REPORT_TOKEN_FILE " + tokenFile + "; not reporting");
      }
    }
    String reportUrl = blankToNull(env.get("KILN_REPORT_URL"));
    if (tokenFile != null && token == null) {
      reportUrl = null;
    }
    String termination = blankToNull(env.get("KILN_TERMINATION_LOG"));
    int epochs = intParam(hp, "epochs", 50, 1, 1_000_000);
    double learningRate = doubleParam(hp, "learning_rate", 0.05);
    if (!(learningRate > 0)) {
      throw new TrainerException("hyperparameter learning_rate must be > 0, got " + learningRate);
    }
    long seed = longParam(hp, "seed", 42L);
    double testFraction = doubleParam(hp, "test_fraction", 0.2);
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new TrainerException(
          "hyperparameter test_fraction must be between 0 and 1, got " + testFraction);
    }
    String modelDir = blankToNull(env.get("KILN_MODEL_DIR"));
    if (modelDir == null) {
      throw new TrainerException("KILN_MODEL_DIR is not set: nowhere to write the model");
    }
    return new TrainerConfig(
        pathOrNull(env.get("KILN_DATA_DIR")),
        pathOrNull(env.get("KILN_CHECKPOINT_DIR")),
        Path.of(modelDir),
        termination == null ? DEFAULT_TERMINATION_LOG : Path.of(termination),
        reportUrl,
        token,
        (int) parseLong("KILN_ATTEMPT", env.getOrDefault("KILN_ATTEMPT", "1")),
        Map.copyOf(hp),
        epochs,
        learningRate,
        seed,
        testFraction,
        blankToNull(hp.get("label_column")),
        (int) parseLong("KILN_FAIL_AFTER_EPOCH", env.getOrDefault("KILN_FAIL_AFTER_EPOCH", "0")));
  }

  /** Where the termination message goes, even when the rest of the config is unusable. */
  public static Path terminationLog(Map<String, String> env) {
    String termination = blankToNull(env.get("KILN_TERMINATION_LOG"));
    return termination == null ? DEFAULT_TERMINATION_LOG : Path.of(termination);
  }

  static Map<String, String> readHyperparameterFile(Path file) {
    JsonNode node;
    try {
      node = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new TrainerException(
          "KILN_HPARAMS_FILE " + file + " is not readable JSON: " + firstLine(e.getMessage()));
    }
    if (node == null || !node.isObject()) {
      throw new TrainerException("KILN_HPARAMS_FILE " + file + " must hold a JSON object");
    }
    Map<String, String> hp = new TreeMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      JsonNode v = f.getValue();
      hp.put(f.getKey().toLowerCase(Locale.ROOT), v.isValueNode() ? v.asText() : v.toString());
    }
    return hp;
  }

  private static int intParam(Map<String, String> hp, String name, int def, int min, int max) {
    String v = hp.get(name);
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

  private static long longParam(Map<String, String> hp, String name, long def) {
    String v = hp.get(name);
    return v == null ? def : parseLong("hyperparameter " + name, v);
  }

  private static double doubleParam(Map<String, String> hp, String name, double def) {
    String v = hp.get(name);
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

  private static long parseLong(String what, String v) {
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new TrainerException(what + " must be an integer, got '" + v.trim() + "'");
    }
  }

  private static Path pathOrNull(String s) {
    s = blankToNull(s);
    return s == null ? null : Path.of(s);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
