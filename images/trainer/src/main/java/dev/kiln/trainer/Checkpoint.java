package dev.kiln.trainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Training state after a whole epoch: enough to carry on where a killed attempt stopped. Written
 * atomically (temp file beside it, then a rename), so a crash mid-write leaves the previous one.
 */
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
      System.err.println(
          "kiln-trainer: ignoring unreadable checkpoint "
              + file
              + ": "
              + TrainerConfig.firstLine(e.getMessage()));
      return null;
    }
  }

  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".checkpoint-", ".tmp");
    try {
      JSON.writeValue(tmp.toFile(), this);
      Files.move(
          tmp,
          dir.resolve(FILE_NAME),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
