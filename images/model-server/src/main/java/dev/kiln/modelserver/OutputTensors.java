package dev.kiln.modelserver;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/** Turns one ONNX output into a v2 response tensor: name, datatype, shape and flat data. */
final class OutputTensors {
  private OutputTensors() {}

  static ObjectNode encode(String name, OnnxValue value) throws OrtException {
    if (!(value instanceof OnnxTensor tensor)) {
      throw new OrtException("output '" + name + "' is not a tensor; the v2 protocol needs one");
    }
    TensorInfo info = tensor.getInfo();
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("name", name);
    node.put("datatype", TensorSpec.v2Type(info.type));
    ArrayNode shape = node.putArray("shape");
    for (long d : info.getShape()) {
      shape.add(d);
    }
    ArrayNode data = node.putArray("data");
    switch (info.type) {
      case FLOAT -> drain(tensor.getFloatBuffer(), b -> data.add(b.get()));
      case DOUBLE -> drain(tensor.getDoubleBuffer(), b -> data.add(b.get()));
      case INT64 -> drain(tensor.getLongBuffer(), b -> data.add(b.get()));
      case INT32 -> drain(tensor.getIntBuffer(), b -> data.add(b.get()));
      case INT16 -> drain(tensor.getShortBuffer(), b -> data.add(b.get()));
      case INT8, UINT8, BOOL -> drain(tensor.getByteBuffer(), b -> addByte(data, info.type, b));
      case STRING -> addStrings(tensor.getValue(), data);
      default -> throw new OrtException("output '" + name + "' has unsupported type " + info.type);
    }
    return node;
  }

  /** Hands the buffer to {@code takeOne} until it is empty; each call takes one value. */
  private static <B extends Buffer> void drain(B buffer, Consumer<B> takeOne) {
    while (buffer.hasRemaining()) {
      takeOne.accept(buffer);
    }
  }

  private static void addByte(ArrayNode data, OnnxJavaType type, ByteBuffer b) {
    byte v = b.get();
    if (type == OnnxJavaType.BOOL) {
      data.add(v != 0);
    } else if (type == OnnxJavaType.UINT8) {
      data.add(v & 0xff);
    } else {
      data.add(v);
    }
  }

  private static void addStrings(Object v, ArrayNode data) {
    if (v instanceof String s) {
      data.add(s);
    } else if (v instanceof Object[] array) {
      for (Object o : array) {
        addStrings(o, data);
      }
    }
  }
}
