package dev.kiln.trainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Training state after a whole epoch: enough to carry on where a killed attempt stopped. Written
 * atomically (temp file beside it, then a rename), so a crash mid-write leaves the previous one.
 * Plain data for JSON: it is never compared, so its arrays need no value semantics.
 */
@SuppressWarnings("ArrayRecordComponent")
public record Checkpoint(
    int version,
    int epoch,
    long step,
    List<String> featureNames,
    List<String> labels,
    double[] mean,
    double[] std,
    double[][] weights,
    long seed,
    double learningRate,
    int trainRows,
    double lastLoss) {

  public static final String FILE_NAME = "checkpoint.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  public static Checkpoint readLatest(Path dir) {
    if (dir == null) {
      return null;
    }
    Path file = dir.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      return JSON.readValue(file.toFile(), Checkpoint.class);
    } catch (IOException e) {
      TrainerLog.warn(
          "ignoring unreadable checkpoint " + file + ": " + TrainerLog.firstLine(e.getMessage()));
      return null;
    }
  }

  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    AtomicFile.write(dir.resolve(FILE_NAME), JSON.writeValueAsBytes(this));
  }
}
