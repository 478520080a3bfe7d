package dev.kiln.trainer;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * {@code metadata.json} beside the model: what the ONNX tensors mean (feature and label order), how
 * well the model did, and the hyperparameters and split that made it.
 */
final class ModelMetadata {
  private ModelMetadata() {}

  static ObjectNode build(
      OnnxMl.ModelProto onnx,
      String sha256,
      Dataset data,
      EncodedData encoded,
      Map<String, Double> metrics,
      TrainerConfig config) {
    ObjectNode meta = JsonNodeFactory.instance.objectNode();
    meta.put("format", "onnx");
    meta.put("modelFile", Trainer.MODEL_FILE);
    meta.put("sha256", sha256);
    meta.put("task", "classification");
    meta.put("algorithm", "multinomial logistic regression (Tribuo LinearSGDModel)");
    tensor(meta.putObject("input"), onnx.getGraph().getInput(0), encoded.featureCount());
    ObjectNode output = meta.putObject("output");
    tensor(output, onnx.getGraph().getOutput(0), encoded.labelCount());
    output.put("meaning", "class probabilities, one column per label in 'labels' order");
    ArrayNode featureArray = meta.putArray("features");
    encoded.onnxFeatures().forEach(featureArray::add);
    meta.put("labelColumn", data.labelName());
    ArrayNode labelArray = meta.putArray("labels");
    encoded.labels().forEach(labelArray::add);
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
    return meta;
  }

  /** A float matrix with any number of rows and {@code columns} columns. */
  private static void tensor(ObjectNode node, OnnxMl.ValueInfoProto value, int columns) {
    node.put("name", value.getName());
    node.put("datatype", "FP32");
    node.putArray("shape").add(-1).add(columns);
  }
}
