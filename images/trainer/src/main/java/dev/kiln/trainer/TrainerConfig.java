package dev.kiln.trainer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

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

  /** Reads the contract; see {@link Hyperparameters} for where hyperparameters come from. */
  public static TrainerConfig fromEnv(Map<String, String> env) {
    Hyperparameters hp = Hyperparameters.fromEnv(env);
    String tokenFile = blankToNull(env.get("KILN_REPORT_TOKEN_FILE"));
    String token = tokenFile == null ? null : readToken(tokenFile);
    // Without the token it names, a report would be refused: do not report at all.
    String reportUrl =
        tokenFile != null && token == null ? null : blankToNull(env.get("KILN_REPORT_URL"));
    int epochs = hp.intValue("epochs", 50, 1, 1_000_000);
    double learningRate = hp.doubleValue("learning_rate", 0.05);
    if (!(learningRate > 0)) {
      throw new TrainerException("hyperparameter learning_rate must be > 0, got " + learningRate);
    }
    long seed = hp.longValue("seed", 42L);
    double testFraction = hp.doubleValue("test_fraction", 0.2);
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
        terminationLog(env),
        reportUrl,
        token,
        attempt(env),
        hp.asMap(),
        epochs,
        learningRate,
        seed,
        testFraction,
        hp.text("label_column"),
        (int)
            Hyperparameters.parseLong(
                "KILN_FAIL_AFTER_EPOCH", env.getOrDefault("KILN_FAIL_AFTER_EPOCH", "0")));
  }

  /**
   * The attempt number from KILN_ATTEMPT_FILE (1 without one, as when run by hand). Only logged:
   * resuming is driven by the checkpoint, which a retry finds whatever its number.
   */
  static int attempt(Map<String, String> env) throws TrainerException {
    String file = blankToNull(env.get("KILN_ATTEMPT_FILE"));
    if (file == null) {
      return 1;
    }
    String text;
    try {
      text = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new TrainerException("cannot read KILN_ATTEMPT_FILE " + file + ": " + e);
    }
    return (int) Hyperparameters.parseLong("KILN_ATTEMPT_FILE", text);
  }

  /** Where the termination message goes, even when the rest of the config is unusable. */
  public static Path terminationLog(Map<String, String> env) {
    String termination = blankToNull(env.get("KILN_TERMINATION_LOG"));
    return termination == null ? DEFAULT_TERMINATION_LOG : Path.of(termination);
  }

  /** The report token, or null when the file cannot be read (reporting is optional). */
  private static String readToken(String tokenFile) {
    try {
      return Files.readString(Path.of(tokenFile), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      TrainerLog.warn("cannot read KILN_REPORT_TOKEN_FILE " + tokenFile + "; not reporting");
      return null;
    }
  }

  private static Path pathOrNull(String s) {
    String trimmed = blankToNull(s);
    return trimmed == null ? null : Path.of(trimmed);
  }

  static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
