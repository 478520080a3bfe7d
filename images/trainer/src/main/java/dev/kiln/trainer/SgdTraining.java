package dev.kiln.trainer;

import com.oracle.labs.mlrg.olcut.util.Pair;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.classification.Label;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.math.LinearParameters;
import org.tribuo.math.StochasticGradientOptimiser;
import org.tribuo.math.la.DenseMatrix;
import org.tribuo.math.la.DenseVector;
import org.tribuo.math.la.SGDVector;
import org.tribuo.math.la.Tensor;
import org.tribuo.math.optimisers.SGD;
import org.tribuo.provenance.ModelProvenance;

/**
 * Multinomial logistic regression by SGD with Tribuo's objective, parameters and optimiser, one
 * epoch at a time so that each epoch can be checkpointed and reported. A run resumes after the last
 * checkpointed epoch when the checkpoint matches this data and these hyperparameters.
 */
final class SgdTraining {
  /**
   * The weights after the last epoch, folded for raw features (the standardisation moved into
   * them), where the run started, and the last epoch's loss.
   */
  // Never compared: the weights need no value semantics.
  @SuppressWarnings("ArrayRecordComponent")
  record Outcome(double[][] weights, int startEpoch, double loss) {}

  /** Where the epochs start: 1 for a fresh run, else after the checkpointed epoch. */
  private record Start(int epoch, long step, double loss) {
    static final Start FRESH = new Start(1, 0, Double.NaN);
  }

  private final TrainerConfig config;
  private final Trainer.EpochHook hook;
  private final EncodedData data;
  private final Standardisation scaling;
  private final DenseVector[] xs;
  private final Split split;
  private final LogMulticlass objective = new LogMulticlass();
  private final StochasticGradientOptimiser optimiser;
  private final LinearParameters params;

  /** Training on {@code dataset}'s training rows, standardised by their mean and deviation. */
  SgdTraining(
      TrainerConfig config,
      Trainer.EpochHook hook,
      Dataset dataset,
      EncodedData data,
      Split split) {
    this.hook = hook;
    this.config = config;
    this.optimiser = SGD.getSimpleSGD(config.learningRate());
    this.data = data;
    this.params = new LinearParameters(data.featureCount() + 1, data.labelCount());
    this.split = split;
    this.scaling = Standardisation.fit(dataset, split.train());
    this.xs = scaling.inputs(dataset, data.featureId());
  }

  Outcome train() throws IOException {
    Start start = resume();
    optimiser.initialise(params);
    Reporter reporter = new Reporter(config.reportUrl(), config.reportToken());
    int trainRows = split.train().length;
    long totalSteps = (long) config.epochs() * trainRows;
    long step = start.step();
    double loss = start.loss();
    for (int epoch = start.epoch(); epoch <= config.epochs(); epoch++) {
      loss = epoch(epoch);
      step += trainRows;
      double accuracy = accuracy(split.test());
      Map<String, Double> metrics = new LinkedHashMap<>();
      metrics.put("loss", loss);
      metrics.put("accuracy", accuracy);
      if (config.checkpointDir() != null) {
        checkpoint(epoch, step, loss).write(config.checkpointDir());
      }
      reporter.report(epoch, config.epochs(), step, totalSteps, metrics);
      TrainerLog.info(
          String.format(
              "epoch %d/%d loss=%.5f accuracy=%.4f", epoch, config.epochs(), loss, accuracy));
      hook.afterEpoch(epoch, metrics);
      if (config.failAfterEpoch() > 0
          && epoch == config.failAfterEpoch()
          && start.epoch() <= config.failAfterEpoch()) {
        throw new Trainer.InjectedFailure(epoch);
      }
    }
    optimiser.finalise();
    double[][] folded = scaling.fold(params.getWeightMatrix(), data.featureId(), data.labelCount());
    return new Outcome(folded, start.epoch(), loss);
  }

  /** Tribuo's own model for weights trained here, with this run's provenance. */
  LinearSGDModel model(double[][] weights) {
    ExportingTrainer exporter = new ExportingTrainer(objective, optimiser, config);
    ModelProvenance provenance =
        new ModelProvenance(
            LinearSGDModel.class.getName(),
            OffsetDateTime.now(ZoneOffset.UTC),
            data.all().getProvenance(),
            exporter.getProvenance());
    return exporter.build(
        provenance,
        data.featureMap(),
        data.outputInfo(),
        new LinearParameters(DenseMatrix.createDenseMatrix(weights)));
  }

  private Start resume() {
    Checkpoint resumed = Checkpoint.readLatest(config.checkpointDir());
    if (resumed == null) {
      if (config.attempt() > 1) {
        TrainerLog.info(
            "attempt " + config.attempt() + ": no checkpoint found; starting from epoch 1");
      }
      return Start.FRESH;
    }
    if (!resumed.featureNames().equals(data.onnxFeatures())
        || !resumed.labels().equals(data.labels())
        || resumed.trainRows() != split.train().length
        || resumed.seed() != config.seed()
        || !Arrays.equals(resumed.mean(), scaling.mean())
        || resumed.epoch() > config.epochs()) {
      TrainerLog.info(
          "checkpoint does not match this data or these hyperparameters; starting afresh");
      return Start.FRESH;
    }
    params.set(new Tensor[] {DenseMatrix.createDenseMatrix(resumed.weights())});
    TrainerLog.info(
        "attempt "
            + config.attempt()
            + ": resuming after epoch "
            + resumed.epoch()
            + " from "
            + config.checkpointDir().resolve(Checkpoint.FILE_NAME));
    return new Start(resumed.epoch() + 1, resumed.step(), resumed.lastLoss());
  }

  /** One pass over the training rows in an order drawn from the seed and epoch; the mean loss. */
  private double epoch(int epoch) {
    int[] order = split.train().clone();
    Split.shuffle(order, new Random(config.seed() * 1_000_003L + epoch));
    double lossSum = 0;
    for (int i : order) {
      DenseVector scores = params.predict(xs[i]);
      Pair<Double, SGDVector> lg = objective.lossAndGradient(data.target()[i], scores);
      lossSum -= lg.getA(); // Tribuo returns the log-likelihood; report the loss
      Tensor[] grads = params.gradients(lg, xs[i]);
      params.update(optimiser.step(grads, 1.0));
    }
    return lossSum / order.length;
  }

  private double accuracy(int[] rows) {
    int correct = 0;
    for (int i : rows) {
      if (params.predict(xs[i]).argmax() == data.target()[i]) {
        correct++;
      }
    }
    return (double) correct / rows.length;
  }

  private Checkpoint checkpoint(int epoch, long step, double loss) {
    DenseMatrix w = params.getWeightMatrix();
    double[][] weights = new double[w.getDimension1Size()][w.getDimension2Size()];
    for (int r = 0; r < weights.length; r++) {
      for (int c = 0; c < weights[r].length; c++) {
        weights[r][c] = w.get(r, c);
      }
    }
    return new Checkpoint(
        1,
        epoch,
        step,
        data.onnxFeatures(),
        data.labels(),
        scaling.mean(),
        scaling.std(),
        weights,
        config.seed(),
        config.learningRate(),
        split.train().length,
        loss);
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
