package dev.kiln.trainer;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes a synthetic classification data set: one Gaussian blob per class around a random centre,
 * so a linear model can learn it but not perfectly. For benchmarks with many rows.
 */
public final class SyntheticData {
  private SyntheticData() {}

  /** The {@code generate} command; returns the exit code. */
  static int run(String[] args) {
    long rows = 100_000;
    int features = 10;
    int classes = 3;
    long seed = 1;
    Path out = null;
    try {
      for (int i = 0; i < args.length; i += 2) {
        String value = i + 1 < args.length ? args[i + 1] : null;
        switch (args[i]) {
          case "--rows" -> rows = Long.parseLong(value);
          case "--features" -> features = Integer.parseInt(value);
          case "--classes" -> classes = Integer.parseInt(value);
          case "--seed" -> seed = Long.parseLong(value);
          case "--out" -> out = Path.of(value);
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      if (out == null || rows < 1 || features < 1 || classes < 2) {
        throw new IllegalArgumentException(
            "need --out, --rows >= 1, --features >= 1, --classes >= 2");
      }
    } catch (RuntimeException e) {
      System.err.println("kiln-trainer generate: " + e.getMessage());
      return 2;
    }
    try {
      write(out, rows, features, classes, seed);
      System.out.println("kiln-trainer: wrote " + rows + " rows to " + out);
      return 0;
    } catch (IOException e) {
      System.err.println("kiln-trainer generate: cannot write " + out + ": " + e.getMessage());
      return 1;
    }
  }

  public static void write(Path out, long rows, int features, int classes, long seed)
      throws IOException {
    Random random = new Random(seed);
    double[][] centres = new double[classes][features];
    for (double[] c : centres) {
      for (int j = 0; j < features; j++) {
        c[j] = random.nextGaussian() * 2.0;
      }
    }
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      for (int j = 0; j < features; j++) {
        w.write("x" + j + ",");
      }
      w.write("label\n");
      StringBuilder line = new StringBuilder();
      for (long r = 0; r < rows; r++) {
        int k = random.nextInt(classes);
        line.setLength(0);
        for (int j = 0; j < features; j++) {
          line.append(String.format("%.4f", centres[k][j] + random.nextGaussian())).append(',');
        }
        line.append("class").append(k).append('\n');
        w.write(line.toString());
      }
    }
  }
}
