package dev.kiln.modelserver;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.trainer.Dataset;
import dev.kiln.trainer.Main;
import dev.kiln.trainer.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The reference Iris model, trained by the real trainer, and the rows it was tested on. */
final class IrisModel {
  static final long SEED = 42;
  static final double TEST_FRACTION = 0.2;

  final Path dir;
  final JsonNode metadata;

  private IrisModel(Path dir) throws IOException {
    this.dir = dir;
    this.metadata = Http.JSON.readTree(dir.resolve("metadata.json").toFile());
  }

  static IrisModel train(Path work, int epochs) throws IOException {
    Path modelDir = work.resolve("model");
    Files.createDirectories(work.resolve("data"));
    int code =
        Main.run(
            new String[0],
            Map.of(
                "KILN_DATA_DIR", work.resolve("data").toString(),
                "KILN_MODEL_DIR", modelDir.toString(),
                "KILN_TERMINATION_LOG", work.resolve("termination-log").toString(),
                "KILN_HP_EPOCHS", String.valueOf(epochs)),
            null);
    if (code != 0) {
      throw new IllegalStateException(
          "trainer failed: " + Files.readString(work.resolve("termination-log")));
    }
    return new IrisModel(modelDir);
  }

  static IrisModel at(Path dir) throws IOException {
    return new IrisModel(dir);
  }

  /** The held-out rows, each in the model's input column order, and their true labels. */
  record Rows(List<float[]> features, List<String> labels) {
    String inferRequest() {
      StringBuilder data = new StringBuilder();
      for (float[] row : features) {
        for (float v : row) {
          data.append(data.length() == 0 ? "" : ",").append(String.format(Locale.ROOT, "%s", v));
        }
      }
      return "{\"id\":\"held-out\",\"inputs\":[{\"name\":\"input\",\"shape\":["
          + features.size()
          + ","
          + features.get(0).length
          + "],\"datatype\":\"FP32\",\"data\":["
          + data
          + "]}]}";
    }
  }

  Rows heldOut() {
    Dataset iris = Dataset.bundledIris(null);
    List<String> order = new ArrayList<>();
    metadata.get("features").forEach(f -> order.add(f.asText()));
    List<float[]> features = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (int row : Trainer.heldOutRows(iris.size(), SEED, TEST_FRACTION)) {
      double[] raw = iris.features(row);
      float[] ordered = new float[order.size()];
      for (int j = 0; j < order.size(); j++) {
        ordered[j] = (float) raw[iris.featureNames().indexOf(order.get(j))];
      }
      features.add(ordered);
      labels.add(iris.label(row));
    }
    return new Rows(features, labels);
  }

  /** Accuracy of a v2 infer response's probabilities against the true labels. */
  double accuracy(JsonNode response, List<String> truth) {
    JsonNode output = response.get("outputs").get(0);
    int classes = output.get("shape").get(1).asInt();
    JsonNode data = output.get("data");
    int correct = 0;
    for (int i = 0; i < truth.size(); i++) {
      int best = 0;
      for (int k = 1; k < classes; k++) {
        if (data.get(i * classes + k).asDouble() > data.get(i * classes + best).asDouble()) {
          best = k;
        }
      }
      if (metadata.get("labels").get(best).asText().equals(truth.get(i))) {
        correct++;
      }
    }
    return (double) correct / truth.size();
  }
}
