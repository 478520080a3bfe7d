package dev.kiln.trainer;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.tribuo.classification.sgd.linear.LinearSGDModel;

/**
 * One training run per the pod contract: read the data, split it, train (resuming from a
 * checkpoint), evaluate on the held-out rows, and write {@code model.onnx} and {@code
 * metadata.json}. Features are standardised for training; the standardisation is folded into the
 * weights before export, so the ONNX model takes raw feature values.
 */
public final class Trainer {
  public static final String MODEL_FILE = "model.onnx";
  public static final String METADATA_FILE = "metadata.json";

  /** Called after each epoch's checkpoint; a test may throw from it to simulate a crash. */
  public interface EpochHook {
    void afterEpoch(int epoch, Map<String, Double> metrics);
  }

  /** What a finished run produced. */
  public record Result(
      Map<String, Double> metrics,
      Path modelFile,
      String sha256,
      int startEpoch,
      List<String> featureNames,
      List<String> labels) {}

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final TrainerConfig config;
  private final EpochHook hook;

  public Trainer(TrainerConfig config, EpochHook hook) {
    this.config = config;
    this.hook = hook == null ? (e, m) -> {} : hook;
  }

  public Result run() throws IOException {
    Dataset data = Dataset.locate(config.dataDir(), config.labelColumn());
    TrainerLog.info(
        "data: "
            + data.source()
            + " ("
            + data.size()
            + " rows, features "
            + data.featureNames()
            + ", label "
            + data.labelName()
            + ")");
    Split split = Split.of(data.size(), config.seed(), config.testFraction());
    EncodedData encoded = EncodedData.of(data);
    SgdTraining sgd = new SgdTraining(config, hook, data, encoded, split);
    SgdTraining.Outcome trained = sgd.train();
    LinearSGDModel model = sgd.model(trained.weights());
    Map<String, Double> metrics =
        HeldOutEvaluation.metrics(model, data, split, trained.loss(), config.epochs());

    Path modelFile = config.modelDir().resolve(MODEL_FILE);
    String sha256 = writeModel(model.exportONNXModel("dev.kiln", 1L), data, encoded, metrics);
    TrainerLog.info(
        "wrote "
            + modelFile
            + " (sha256 "
            + sha256
            + "), held-out accuracy "
            + metrics.get("accuracy"));
    return new Result(
        metrics, modelFile, sha256, trained.startEpoch(), encoded.onnxFeatures(), encoded.labels());
  }

  /** Writes model.onnx, then metadata.json beside it; returns the model file's SHA-256. */
  private String writeModel(
      OnnxMl.ModelProto onnx, Dataset data, EncodedData encoded, Map<String, Double> metrics)
      throws IOException {
    Files.createDirectories(config.modelDir());
    byte[] bytes = onnx.toByteArray();
    AtomicFile.write(config.modelDir().resolve(MODEL_FILE), bytes);
    String sha256 = sha256(bytes);
    AtomicFile.write(
        config.modelDir().resolve(METADATA_FILE),
        JSON.writeValueAsBytes(ModelMetadata.build(onnx, sha256, data, encoded, metrics, config)));
    return sha256;
  }

  /** The held-out rows (raw features in CSV column order, labels) for a given data set and seed. */
  public static List<Integer> heldOutRows(int rows, long seed, double testFraction) {
    List<Integer> out = new ArrayList<>();
    for (int row : Split.of(rows, seed, testFraction).test()) {
      out.add(row);
    }
    return out;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Thrown after the epoch named by {@code KILN_FAIL_AFTER_EPOCH}, to exercise retries. */
  public static final class InjectedFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InjectedFailure(int epoch) {
      super("injected failure after epoch " + epoch + " (KILN_FAIL_AFTER_EPOCH)");
    }
  }
}
