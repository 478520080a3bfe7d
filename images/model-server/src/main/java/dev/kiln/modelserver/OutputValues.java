package dev.kiln.modelserver;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.function.Consumer;

/** An output tensor's values written as a JSON array. */
final class OutputValues {
  private OutputValues() {}

  static void writeJson(OnnxTensor tensor, JsonOut out) throws OrtException {
    OnnxJavaType type = tensor.getInfo().type;
    out.raw('[');
    if (type == OnnxJavaType.STRING) {
      boolean[] first = {true};
      forEachString(
          tensor.getValue(),
          s -> {
            if (!first[0]) {
              out.raw(',');
            }
            first[0] = false;
            out.string(s);
          });
      out.raw(']');
      return;
    }
    Buffer ref = OutputValues.data(tensor);
    int n = ref.limit();
    for (int i = ref.position(); i < n; i++) {
      if (i > ref.position()) {
        out.raw(',');
      }
      switch (type) {
        case FLOAT -> out.number(((FloatBuffer) ref).get(i));
        case DOUBLE -> out.number(((DoubleBuffer) ref).get(i));
        case INT64 -> out.number(((LongBuffer) ref).get(i));
        case INT32 -> out.number(((IntBuffer) ref).get(i));
        case INT16 -> out.number(((ShortBuffer) ref).get(i));
        case INT8 -> out.number(((ByteBuffer) ref).get(i));
        case UINT8 -> out.number(((ByteBuffer) ref).get(i) & 0xff);
        case BOOL -> out.raw(((ByteBuffer) ref).get(i) != 0 ? "true" : "false");
        default -> throw new OrtException("output type " + type + " has no v2 form here");
      }
    }
    out.raw(']');
  }

  /**
   * A numeric tensor's data. ONNX Runtime 1.29's {@code getBufferRef} fails on the tensors a
   * session returns (they have no Java buffer), so this is the copy its typed getters make.
   */
  static Buffer data(OnnxTensor tensor) throws OrtException {
    OnnxJavaType type = tensor.getInfo().type;
    return switch (type) {
      case FLOAT -> tensor.getFloatBuffer();
      case DOUBLE -> tensor.getDoubleBuffer();
      case INT64 -> tensor.getLongBuffer();
      case INT32 -> tensor.getIntBuffer();
      case INT16 -> tensor.getShortBuffer();
      case INT8, UINT8, BOOL -> tensor.getByteBuffer();
      default -> throw new OrtException("output type " + type + " has no v2 form here");
    };
  }

  /** Every string of a (nested) ONNX Runtime string value, in row-major order. */
  static void forEachString(Object v, Consumer<String> each) {
    if (v instanceof String s) {
      each.accept(s);
    } else if (v instanceof Object[] array) {
      for (Object o : array) {
        forEachString(o, each);
      }
    }
  }
}
