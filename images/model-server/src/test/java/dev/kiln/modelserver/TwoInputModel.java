package dev.kiln.modelserver;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A tiny ONNX model with two inputs and two outputs, for the mixed JSON and binary cases: {@code
 * sum = a + b} (FP32) and {@code count = n + 1} (INT64), inputs {@code a}, {@code b} [-1, 2] and
 * {@code n} [-1].
 */
final class TwoInputModel {
  private TwoInputModel() {}

  static Path write(Path dir) throws IOException {
    OnnxMl.GraphProto graph =
        OnnxMl.GraphProto.newBuilder()
            .setName("two-inputs")
            .addInput(tensor("a", OnnxMl.TensorProto.DataType.FLOAT, -1, 2))
            .addInput(tensor("b", OnnxMl.TensorProto.DataType.FLOAT, -1, 2))
            .addInput(tensor("n", OnnxMl.TensorProto.DataType.INT64, -1))
            .addOutput(tensor("sum", OnnxMl.TensorProto.DataType.FLOAT, -1, 2))
            .addOutput(tensor("count", OnnxMl.TensorProto.DataType.INT64, -1))
            .addInitializer(
                OnnxMl.TensorProto.newBuilder()
                    .setName("one")
                    .setDataType(OnnxMl.TensorProto.DataType.INT64.getNumber())
                    .addInt64Data(1))
            .addNode(node("Add", "a", "b", "sum"))
            .addNode(node("Add", "n", "one", "count"))
            .build();
    OnnxMl.ModelProto model =
        OnnxMl.ModelProto.newBuilder()
            .setIrVersion(8)
            .setProducerName("kiln-test")
            .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13))
            .setGraph(graph)
            .build();
    Files.createDirectories(dir);
    Files.write(dir.resolve("model.onnx"), model.toByteArray());
    return dir;
  }

  private static OnnxMl.NodeProto node(String op, String x, String y, String out) {
    return OnnxMl.NodeProto.newBuilder()
        .setOpType(op)
        .addInput(x)
        .addInput(y)
        .addOutput(out)
        .build();
  }

  private static OnnxMl.ValueInfoProto tensor(
      String name, OnnxMl.TensorProto.DataType type, long... dims) {
    OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(
          d < 0
              ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
              : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return OnnxMl.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            OnnxMl.TypeProto.newBuilder()
                .setTensorType(
                    OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(type.getNumber())
                        .setShape(shape)))
        .build();
  }
}
