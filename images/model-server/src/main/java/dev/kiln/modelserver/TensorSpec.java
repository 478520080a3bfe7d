package dev.kiln.modelserver;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;

/**
 * A model input or output as the v2 metadata describes it: name, v2 datatype and shape ({@code -1}
 * = any size), with the ONNX Runtime type behind the datatype.
 */
// Never compared: the shape array needs no value semantics.
@SuppressWarnings("ArrayRecordComponent")
record TensorSpec(String name, String datatype, long[] shape, OnnxJavaType type) {

  static TensorSpec of(NodeInfo info) {
    if (info.getInfo() instanceof TensorInfo t) {
      return new TensorSpec(info.getName(), v2Type(t.type), t.getShape(), t.type);
    }
    // Sequences and maps (e.g. sklearn's ZipMap) have no v2 tensor form.
    return new TensorSpec(info.getName(), "BYTES", new long[] {-1}, OnnxJavaType.UNKNOWN);
  }

  static String v2Type(OnnxJavaType type) {
    return switch (type) {
      case FLOAT -> "FP32";
      case DOUBLE -> "FP64";
      case INT8 -> "INT8";
      case UINT8 -> "UINT8";
      case INT16 -> "INT16";
      case INT32 -> "INT32";
      case INT64 -> "INT64";
      case BOOL -> "BOOL";
      case STRING -> "BYTES";
      case FLOAT16 -> "FP16";
      case BFLOAT16 -> "BF16";
      default -> "UNKNOWN";
    };
  }
}
