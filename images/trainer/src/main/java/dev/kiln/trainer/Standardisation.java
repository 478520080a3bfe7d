package dev.kiln.trainer;

import org.tribuo.math.la.DenseMatrix;
import org.tribuo.math.la.DenseVector;

/**
 * Per-feature mean and standard deviation over the training rows (CSV column order). Training sees
 * standardised features; {@link #fold} moves the standardisation into the weights, so the exported
 * model takes raw feature values.
 */
// Working data for the numeric loops, never compared: arrays need no value semantics here.
@SuppressWarnings("ArrayRecordComponent")
record Standardisation(double[] mean, double[] std) {
  static Standardisation fit(Dataset data, int[] rows) {
    int nf = data.featureNames().size();
    double[] mean = new double[nf];
    double[] std = new double[nf];
    for (int i : rows) {
      double[] x = data.features(i);
      for (int j = 0; j < nf; j++) {
        mean[j] += x[j];
      }
    }
    for (int j = 0; j < nf; j++) {
      mean[j] /= rows.length;
    }
    for (int i : rows) {
      double[] x = data.features(i);
      for (int j = 0; j < nf; j++) {
        std[j] += (x[j] - mean[j]) * (x[j] - mean[j]);
      }
    }
    for (int j = 0; j < nf; j++) {
      std[j] = Math.sqrt(std[j] / rows.length);
      if (std[j] < 1e-12) {
        std[j] = 1.0;
      }
    }
    return new Standardisation(mean, std);
  }

  /**
   * Every row standardised, in ONNX column order, with the bias input (1) last as Tribuo has it.
   */
  DenseVector[] inputs(Dataset data, int[] featureId) {
    int nf = featureId.length;
    DenseVector[] xs = new DenseVector[data.size()];
    for (int i = 0; i < xs.length; i++) {
      double[] raw = data.features(i);
      double[] v = new double[nf + 1];
      for (int j = 0; j < nf; j++) {
        v[featureId[j]] = (raw[j] - mean[j]) / std[j];
      }
      v[nf] = 1.0;
      xs[i] = DenseVector.createDenseVector(v);
    }
    return xs;
  }

  /** Weights for raw features: w' = w / std, b' = b - sum(w * mean / std). */
  double[][] fold(DenseMatrix w, int[] featureId, int labels) {
    int nf = featureId.length;
    double[][] folded = new double[labels][nf + 1];
    for (int k = 0; k < labels; k++) {
      double bias = w.get(k, nf);
      for (int j = 0; j < nf; j++) {
        int id = featureId[j];
        folded[k][id] = w.get(k, id) / std[j];
        bias -= w.get(k, id) * mean[j] / std[j];
      }
      folded[k][nf] = bias;
    }
    return folded;
  }
}
