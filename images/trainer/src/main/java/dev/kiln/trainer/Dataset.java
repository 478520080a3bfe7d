package dev.kiln.trainer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A numeric table with one string label column, read from a CSV file with a header line. Values are
 * plain comma-separated fields (no quoting); every column but the label must be a number.
 */
public final class Dataset {
  /** The Iris data set shipped with the trainer, used when the data directory has no CSV. */
  public static final String BUNDLED_IRIS = "dev/kiln/trainer/iris.csv";

  private final String source;
  private final List<String> featureNames;
  private final String labelName;
  private final List<double[]> features;
  private final List<String> labels;

  Dataset(
      String source,
      List<String> featureNames,
      String labelName,
      List<double[]> features,
      List<String> labels) {
    this.source = source;
    this.featureNames = List.copyOf(featureNames);
    this.labelName = labelName;
    this.features = features;
    this.labels = labels;
  }

  public String source() {
    return source;
  }

  public List<String> featureNames() {
    return featureNames;
  }

  public String labelName() {
    return labelName;
  }

  public int size() {
    return labels.size();
  }

  public double[] features(int row) {
    return features.get(row);
  }

  public String label(int row) {
    return labels.get(row);
  }

  /**
   * Finds the training data: {@code dataDir} may be a CSV file or a directory; in a directory,
   * {@code train.csv} wins, else the first {@code *.csv} by name. With no data dir, or a directory
   * holding no CSV, the bundled Iris data set is used.
   */
  public static Dataset locate(Path dataDir, String labelColumn) {
    if (dataDir == null) {
      return bundledIris(labelColumn);
    }
    if (!Files.exists(dataDir)) {
      throw new TrainerException("data path " + dataDir + " does not exist");
    }
    if (Files.isRegularFile(dataDir)) {
      return read(dataDir, labelColumn);
    }
    Path train = dataDir.resolve("train.csv");
    if (Files.isRegularFile(train)) {
      return read(train, labelColumn);
    }
    try (Stream<Path> files = Files.list(dataDir)) {
      Path csv =
          files
              .filter(
                  p ->
                      Files.isRegularFile(p)
                          && p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv"))
              .sorted()
              .findFirst()
              .orElse(null);
      return csv == null ? bundledIris(labelColumn) : read(csv, labelColumn);
    } catch (IOException e) {
      throw new TrainerException("cannot list data dir " + dataDir + ": " + e.getMessage(), e);
    }
  }

  public static Dataset bundledIris(String labelColumn) {
    InputStream in = Dataset.class.getClassLoader().getResourceAsStream(BUNDLED_IRIS);
    if (in == null) {
      throw new IllegalStateException("bundled " + BUNDLED_IRIS + " is missing from the jar");
    }
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return parse("bundled iris.csv", reader, labelColumn);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Dataset read(Path csv, String labelColumn) {
    try (BufferedReader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
      return parse(csv.toString(), reader, labelColumn);
    } catch (IOException e) {
      throw new TrainerException("cannot read " + csv + ": " + e.getMessage(), e);
    }
  }

  static Dataset parse(String source, BufferedReader reader, String labelColumn)
      throws IOException {
    CsvHeader header = CsvHeader.read(source, reader, labelColumn);
    List<double[]> features = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    String line;
    int lineNo = 1;
    while ((line = reader.readLine()) != null) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      String[] fields = header.fields(line, lineNo);
      features.add(header.features(fields, lineNo));
      labels.add(header.label(fields, lineNo));
    }
    if (labels.isEmpty()) {
      throw new TrainerException(source + " has a header but no data rows");
    }
    if (labels.stream().distinct().count() < 2) {
      throw new TrainerException(
          source + ": column '" + header.labelName() + "' has a single class; need at least two");
    }
    return new Dataset(source, header.featureNames(), header.labelName(), features, labels);
  }
}
