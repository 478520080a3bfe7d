package dev.kiln.testkit.workload;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Termination messages of the loader's {@code inspect} container ({@code inspect-model}), as the
 * simulated kubelets leave them: {"artifact": {...}, "metrics": {...}, "warnings": [...]}, or
 * {"error": "..."} with a non-zero exit.
 */
public final class InspectResults {
  /** The loader's exit codes for "no model file" and "not the digest the trainer reported". */
  public static final int NOT_FOUND = 3;

  public static final int INTEGRITY = 5;

  private InspectResults() {}

  /** A model file found with its digest, no metrics file. */
  public static String artifact(String path, String sha256, long sizeBytes, String format) {
    return of(path, sha256, sizeBytes, format, "{}");
  }

  /** A model file and the metrics file's numbers ({@code metricsJson}: a JSON object). */
  public static String of(
      String path, String sha256, long sizeBytes, String format, String metricsJson) {
    return "{\"artifact\":{\"path\":\""
        + path
        + "\",\"sha256\":\""
        + sha256
        + "\",\"sizeBytes\":"
        + sizeBytes
        + (format == null ? "" : ",\"format\":\"" + format + "\"")
        + "},\"metrics\":"
        + metricsJson
        + ",\"warnings\":[]}";
  }

  /** What a failed inspection leaves: its one line. */
  public static String error(String line) {
    return "{\"error\":\"" + line.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
  }

  /** A stand-in digest that is a real SHA-256 (of {@code seed}). */
  public static String sha256Of(String seed) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
