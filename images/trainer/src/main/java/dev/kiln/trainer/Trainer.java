package dev.kiln.trainer;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.oracle.labs.mlrg.olcut.util.Pair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.datasource.ListDataSource;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.LinearParameters;
import org.tribuo.math.StochasticGradientOptimiser;
import org.tribuo.math.la.DenseMatrix;
import org.tribuo.math.la.DenseVector;
import org.tribuo.math.la.SGDVector;
import org.tribuo.math.la.Tensor;
import org.tribuo.math.optimisers.SGD;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Multinomial logistic regression trained by SGD with Tribuo's objective, parameters and optimiser,
 * one epoch at a time so that each epoch can be reported and checkpointed. Features are
 * standardised for training; the standardisation is folded into the weights before export, so the
 * ONNX model takes raw feature values.
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
    log(
        "data: "
            + data.source()
            + " ("
            + data.size()
            + " rows, features "
            + data.featureNames()
            + ", label "
            + data.labelName()
            + ")");
    int n = data.size();
    int[] order = shuffled(n, new Random(config.seed()));
    int testRows = (int) Math.round(n * config.testFraction());
    testRows = Math.max(1, Math.min(n - 1, testRows));
    int[] test = Arrays.copyOfRange(order, 0, testRows);
    int[] train = Arrays.copyOfRange(order, testRows, n);

    LabelFactory labelFactory = new LabelFactory();
    MutableDataset<Label> all =
        new MutableDataset<>(
            new SimpleDataSourceProvenance(data.source(), OffsetDateTime.now(), labelFactory),
            labelFactory);
    String[] names = data.featureNames().toArray(new String[0]);
    for (int i = 0; i < n; i++) {
      all.add(new ArrayExample<>(new Label(data.label(i)), names, data.features(i)));
    }
    ImmutableFeatureMap featureMap = all.getFeatureIDMap();
    ImmutableOutputInfo<Label> outputInfo = all.getOutputIDInfo();
    int nf = names.length;
    if (featureMap.size() != nf) {
      throw new TrainerException(
          data.source() + ": a feature column is zero in every row; drop it and retry");
    }
    // Position of each CSV column in Tribuo's feature order (the ONNX input's column order).
    int[] featureId = new int[nf];
    List<String> onnxFeatures = new ArrayList<>(Arrays.asList(new String[nf]));
    for (int j = 0; j < nf; j++) {
      featureId[j] = featureMap.getID(names[j]);
      onnxFeatures.set(featureId[j], names[j]);
    }
    int nl = outputInfo.size();
    List<String> labels = new ArrayList<>();
    for (int k = 0; k < nl; k++) {
      labels.add(outputInfo.getOutput(k).getLabel());
    }
    int[] target = new int[n];
    for (int i = 0; i < n; i++) {
      target[i] = outputInfo.getID(new Label(data.label(i)));
    }

    double[] mean = new double[nf];
    double[] std = new double[nf];
    for (int i : train) {
      double[] x = data.features(i);
      for (int j = 0; j < nf; j++) {
        mean[j] += x[j];
      }
    }
    for (int j = 0; j < nf; j++) {
      mean[j] /= train.length;
    }
    for (int i : train) {
      double[] x = data.features(i);
      for (int j = 0; j < nf; j++) {
        std[j] += (x[j] - mean[j]) * (x[j] - mean[j]);
      }
    }
    for (int j = 0; j < nf; j++) {
      std[j] = Math.sqrt(std[j] / train.length);
      if (std[j] < 1e-12) {
        std[j] = 1.0;
      }
    }
    DenseVector[] xs = new DenseVector[n];
    for (int i = 0; i < n; i++) {
      double[] raw = data.features(i);
      double[] v = new double[nf + 1];
      for (int j = 0; j < nf; j++) {
        v[featureId[j]] = (raw[j] - mean[j]) / std[j];
      }
      v[nf] = 1.0; // bias, last as in Tribuo's linear models
      xs[i] = DenseVector.createDenseVector(v);
    }

    LogMulticlass objective = new LogMulticlass();
    StochasticGradientOptimiser optimiser = SGD.getSimpleSGD(config.learningRate());
    LinearParameters params = new LinearParameters(nf + 1, nl);
    int startEpoch = 1;
    long step = 0;
    double loss = Double.NaN;
    Checkpoint resumed = Checkpoint.readLatest(config.checkpointDir());
    if (resumed != null) {
      if (resumed.featureNames().equals(onnxFeatures)
          && resumed.labels().equals(labels)
          && resumed.trainRows() == train.length
          && resumed.seed() == config.seed()
          && Arrays.equals(resumed.mean(), mean)
          && resumed.epoch() <= config.epochs()) {
        params.set(new Tensor[] {DenseMatrix.createDenseMatrix(resumed.weights())});
        startEpoch = resumed.epoch() + 1;
        step = resumed.step();
        loss = resumed.lastLoss();
        log(
            "attempt "
                + config.attempt()
                + ": resuming after epoch "
                + resumed.epoch()
                + " from "
                + config.checkpointDir().resolve(Checkpoint.FILE_NAME));
      } else {
        log("checkpoint does not match this data or these hyperparameters; starting afresh");
      }
    } else if (config.attempt() > 1) {
      log("attempt " + config.attempt() + ": no checkpoint found; starting from epoch 1");
    }
    optimiser.initialise(params);

    Reporter reporter = new Reporter(config.reportUrl(), config.reportToken());
    long totalSteps = (long) config.epochs() * train.length;
    Map<String, Double> epochMetrics = Map.of();
    for (int epoch = startEpoch; epoch <= config.epochs(); epoch++) {
      int[] epochOrder = train.clone();
      shuffle(epochOrder, new Random(config.seed() * 1_000_003L + epoch));
      double lossSum = 0;
      for (int i : epochOrder) {
        DenseVector scores = params.predict(xs[i]);
        Pair<Double, SGDVector> lg = objective.lossAndGradient(target[i], scores);
        lossSum -= lg.getA(); // Tribuo returns the log-likelihood; report the loss
        Tensor[] grads = params.gradients(lg, xs[i]);
        params.update(optimiser.step(grads, 1.0));
        step++;
      }
      loss = lossSum / train.length;
      double accuracy = accuracy(params, xs, target, test);
      epochMetrics = new LinkedHashMap<>();
      epochMetrics.put("loss", loss);
      epochMetrics.put("accuracy", accuracy);
      if (config.checkpointDir() != null) {
        new Checkpoint(
                1,
                epoch,
                step,
                onnxFeatures,
                labels,
                mean,
                std,
                toArray(params.getWeightMatrix()),
                config.seed(),
                config.learningRate(),
                train.length,
                loss)
            .write(config.checkpointDir());
      }
      reporter.report(epoch, config.epochs(), step, totalSteps, epochMetrics);
      log(
          String.format(
              "epoch %d/%d loss=%.5f accuracy=%.4f", epoch, config.epochs(), loss, accuracy));
      hook.afterEpoch(epoch, epochMetrics);
      if (config.failAfterEpoch() > 0
          && epoch == config.failAfterEpoch()
          && startEpoch <= config.failAfterEpoch()) {
        throw new InjectedFailure(epoch);
      }
    }
    optimiser.finalise();

    // Fold the standardisation into the weights: w' = w / std, b' = b - sum(w * mean / std).
    DenseMatrix w = params.getWeightMatrix();
    double[][] folded = new double[nl][nf + 1];
    for (int k = 0; k < nl; k++) {
      double bias = w.get(k, nf);
      for (int j = 0; j < nf; j++) {
        int id = featureId[j];
        folded[k][id] = w.get(k, id) / std[j];
        bias -= w.get(k, id) * mean[j] / std[j];
      }
      folded[k][nf] = bias;
    }
    ExportingTrainer exporter = new ExportingTrainer(objective, optimiser, config);
    ModelProvenance provenance =
        new ModelProvenance(
            LinearSGDModel.class.getName(),
            OffsetDateTime.now(),
            all.getProvenance(),
            exporter.getProvenance());
    LinearSGDModel model =
        exporter.build(
            provenance,
            featureMap,
            outputInfo,
            new LinearParameters(DenseMatrix.createDenseMatrix(folded)));

    // Held-out evaluation of the exported (raw-feature) model with Tribuo's evaluator.
    List<org.tribuo.Example<Label>> testExamples = new ArrayList<>();
    for (int i : test) {
      testExamples.add(new ArrayExample<>(new Label(data.label(i)), names, data.features(i)));
    }
    MutableDataset<Label> testSet =
        new MutableDataset<>(
            new ListDataSource<>(
                testExamples,
                labelFactory,
                new SimpleDataSourceProvenance("held-out", OffsetDateTime.now(), labelFactory)));
    LabelEvaluation evaluation = new LabelEvaluator().evaluate(model, testSet);
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("accuracy", evaluation.accuracy());
    metrics.put("macroF1", evaluation.macroAveragedF1());
    metrics.put("loss", loss);
    metrics.put("epochs", (double) config.epochs());
    metrics.put("trainRows", (double) train.length);
    metrics.put("testRows", (double) test.length);

    OnnxMl.ModelProto onnx = model.exportONNXModel("dev.kiln", 1L);
    Files.createDirectories(config.modelDir());
    byte[] bytes = onnx.toByteArray();
    Path modelFile = config.modelDir().resolve(MODEL_FILE);
    writeAtomically(modelFile, bytes);
    String sha256 = sha256(bytes);

    ObjectNode meta = JSON.createObjectNode();
    meta.put("format", "onnx");
    meta.put("modelFile", MODEL_FILE);
    meta.put("sha256", sha256);
    meta.put("task", "classification");
    meta.put("algorithm", "multinomial logistic regression (Tribuo LinearSGDModel)");
    ObjectNode input = meta.putObject("input");
    input.put("name", onnx.getGraph().getInput(0).getName());
    input.put("datatype", "FP32");
    input.putArray("shape").add(-1).add(nf);
    ObjectNode output = meta.putObject("output");
    output.put("name", onnx.getGraph().getOutput(0).getName());
    output.put("datatype", "FP32");
    output.putArray("shape").add(-1).add(nl);
    output.put("meaning", "class probabilities, one column per label in 'labels' order");
    ArrayNode featureArray = meta.putArray("features");
    onnxFeatures.forEach(featureArray::add);
    meta.put("labelColumn", data.labelName());
    ArrayNode labelArray = meta.putArray("labels");
    labels.forEach(labelArray::add);
    ObjectNode metricNode = meta.putObject("metrics");
    metrics.forEach(metricNode::put);
    ObjectNode hpNode = meta.putObject("hyperparameters");
    hpNode.put("epochs", config.epochs());
    hpNode.put("learning_rate", config.learningRate());
    hpNode.put("seed", config.seed());
    hpNode.put("test_fraction", config.testFraction());
    ObjectNode split = meta.putObject("split");
    split.put("seed", config.seed());
    split.put("testFraction", config.testFraction());
    split.put("source", data.source());
    writeAtomically(config.modelDir().resolve(METADATA_FILE), JSON.writeValueAsBytes(meta));
    log(
        "wrote "
            + modelFile
            + " (sha256 "
            + sha256
            + "), held-out accuracy "
            + metrics.get("accuracy"));
    return new Result(metrics, modelFile, sha256, startEpoch, onnxFeatures, labels);
  }

  /** The held-out rows (raw features in CSV column order, labels) for a given data set and seed. */
  public static List<Integer> heldOutRows(int rows, long seed, double testFraction) {
    int[] order = shuffled(rows, new Random(seed));
    int testRows = Math.max(1, Math.min(rows - 1, (int) Math.round(rows * testFraction)));
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < testRows; i++) {
      out.add(order[i]);
    }
    return out;
  }

  private static double accuracy(
      LinearParameters params, DenseVector[] xs, int[] target, int[] rows) {
    int correct = 0;
    for (int i : rows) {
      if (params.predict(xs[i]).argmax() == target[i]) {
        correct++;
      }
    }
    return (double) correct / rows.length;
  }

  private static double[][] toArray(DenseMatrix m) {
    double[][] a = new double[m.getDimension1Size()][m.getDimension2Size()];
    for (int r = 0; r < a.length; r++) {
      for (int c = 0; c < a[r].length; c++) {
        a[r][c] = m.get(r, c);
      }
    }
    return a;
  }

  private static int[] shuffled(int n, Random random) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    shuffle(order, random);
    return order;
  }

  private static void shuffle(int[] a, Random random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
    try {
      Files.write(tmp, bytes);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void log(String message) {
    System.out.println("kiln-trainer: " + message);
  }

  /** Thrown after the epoch named by {@code KILN_FAIL_AFTER_EPOCH}, to exercise retries. */
  public static final class InjectedFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InjectedFailure(int epoch) {
      super("injected failure after epoch " + epoch + " (KILN_FAIL_AFTER_EPOCH)");
    }
  }

  /** Gives access to Tribuo's own model construction for parameters trained here. */
  private static final class ExportingTrainer extends LinearSGDTrainer {
    ExportingTrainer(
        LogMulticlass objective, StochasticGradientOptimiser optimiser, TrainerConfig config) {
      super(objective, optimiser, config.epochs(), config.seed());
    }

    LinearSGDModel build(
        ModelProvenance provenance,
        ImmutableFeatureMap featureMap,
        ImmutableOutputInfo<Label> outputInfo,
        LinearParameters parameters) {
      return createModel("kiln-linear-sgd", provenance, featureMap, outputInfo, parameters);
    }
  }
}
