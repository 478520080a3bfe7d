package dev.kiln.trainer;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.datasource.ListDataSource;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * The final metrics: the exported model (raw features, as it will be served) evaluated on the
 * held-out rows with Tribuo's evaluator, plus the last epoch's loss and the run's sizes.
 */
final class HeldOutEvaluation {
  private HeldOutEvaluation() {}

  static Map<String, Double> metrics(
      LinearSGDModel model, Dataset data, Split split, double loss, int epochs) {
    LabelFactory labelFactory = new LabelFactory();
    String[] names = data.featureNames().toArray(new String[0]);
    List<Example<Label>> testExamples = new ArrayList<>();
    for (int i : split.test()) {
      testExamples.add(new ArrayExample<>(new Label(data.label(i)), names, data.features(i)));
    }
    MutableDataset<Label> testSet =
        new MutableDataset<>(
            new ListDataSource<>(
                testExamples,
                labelFactory,
                new SimpleDataSourceProvenance(
                    "held-out", OffsetDateTime.now(ZoneOffset.UTC), labelFactory)));
    LabelEvaluation evaluation = new LabelEvaluator().evaluate(model, testSet);
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("accuracy", evaluation.accuracy());
    metrics.put("macroF1", evaluation.macroAveragedF1());
    metrics.put("loss", loss);
    metrics.put("epochs", (double) epochs);
    metrics.put("trainRows", (double) split.train().length);
    metrics.put("testRows", (double) split.test().length);
    return metrics;
  }
}
