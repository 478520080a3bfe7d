package dev.kiln.trainer;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * The data set in Tribuo's terms. Tribuo numbers features by name, and the exported ONNX model
 * takes its input columns in that order, not the CSV's: {@code featureId[j]} is the ONNX column of
 * CSV feature {@code j}, {@code onnxFeatures} the names in ONNX order. {@code target[i]} is row
 * {@code i}'s label id; {@code labels} are the label names in id order (the ONNX output's).
 */
// Working data for the numeric loops, never compared: arrays need no value semantics here.
@SuppressWarnings("ArrayRecordComponent")
record EncodedData(
    MutableDataset<Label> all,
    ImmutableFeatureMap featureMap,
    ImmutableOutputInfo<Label> outputInfo,
    int[] featureId,
    List<String> onnxFeatures,
    List<String> labels,
    int[] target) {

  static EncodedData of(Dataset data) {
    LabelFactory labelFactory = new LabelFactory();
    MutableDataset<Label> all =
        new MutableDataset<>(
            new SimpleDataSourceProvenance(
                data.source(), OffsetDateTime.now(ZoneOffset.UTC), labelFactory),
            labelFactory);
    String[] names = data.featureNames().toArray(new String[0]);
    for (int i = 0; i < data.size(); i++) {
      all.add(new ArrayExample<>(new Label(data.label(i)), names, data.features(i)));
    }
    ImmutableFeatureMap featureMap = all.getFeatureIDMap();
    ImmutableOutputInfo<Label> outputInfo = all.getOutputIDInfo();
    if (featureMap.size() != names.length) {
      throw new TrainerException(
          data.source() + ": a feature column is zero in every row; drop it and retry");
    }
    int[] featureId = new int[names.length];
    List<String> onnxFeatures = new ArrayList<>(Arrays.asList(new String[names.length]));
    for (int j = 0; j < names.length; j++) {
      featureId[j] = featureMap.getID(names[j]);
      onnxFeatures.set(featureId[j], names[j]);
    }
    List<String> labels = new ArrayList<>();
    for (int k = 0; k < outputInfo.size(); k++) {
      labels.add(outputInfo.getOutput(k).getLabel());
    }
    int[] target = new int[data.size()];
    for (int i = 0; i < data.size(); i++) {
      target[i] = outputInfo.getID(new Label(data.label(i)));
    }
    return new EncodedData(all, featureMap, outputInfo, featureId, onnxFeatures, labels, target);
  }

  int featureCount() {
    return featureId.length;
  }

  int labelCount() {
    return labels.size();
  }
}
