package dev.kiln.modelserver;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tensors as raw bytes, the form of the binary tensor data extension and of gRPC's raw contents:
 * little-endian, row-major, no padding; BOOL one byte; BYTES each element a 4-byte little-endian
 * length and then its bytes.
 */
final class RawTensors {
  private RawTensors() {}

  /** An input tensor from its raw bytes; the byte count must be what the shape needs. */
  static OnnxTensor decode(OrtEnvironment env, TensorSpec spec, long[] shape, ByteBuffer raw)
      throws ApiException, OrtException {
    long count = 1;
    for (long d : shape) {
      count = Math.multiplyExact(count, d);
    }
    raw = raw.slice().order(ByteOrder.LITTLE_ENDIAN);
    if (spec.type() == OnnxJavaType.STRING) {
      return OnnxTensor.createTensor(env, strings(spec.name(), raw, count), shape);
    }
    int width = width(spec.type());
    if (width == 0) {
      throw ApiException.badRequest(
          "input '" + spec.name() + "': datatype " + spec.datatype() + " is not supported");
    }
    if (raw.remaining() != count * width) {
      throw ApiException.badRequest(
          "input '"
              + spec.name()
              + "': shape "
              + Arrays.toString(shape)
              + " needs "
              + count * width
              + " bytes of "
              + spec.datatype()
              + " data, got "
              + raw.remaining());
    }
    ByteBuffer d = ByteBuffer.allocateDirect(raw.remaining()).order(ByteOrder.nativeOrder());
    return switch (spec.type()) {
      case FLOAT ->
          OnnxTensor.createTensor(env, d.asFloatBuffer().put(raw.asFloatBuffer()).flip(), shape);
      case DOUBLE ->
          OnnxTensor.createTensor(env, d.asDoubleBuffer().put(raw.asDoubleBuffer()).flip(), shape);
      case INT64 ->
          OnnxTensor.createTensor(env, d.asLongBuffer().put(raw.asLongBuffer()).flip(), shape);
      case INT32 ->
          OnnxTensor.createTensor(env, d.asIntBuffer().put(raw.asIntBuffer()).flip(), shape);
      case INT16 ->
          OnnxTensor.createTensor(env, d.asShortBuffer().put(raw.asShortBuffer()).flip(), shape);
      default -> OnnxTensor.createTensor(env, d.put(raw).flip(), shape, spec.type());
    };
  }

  static int width(OnnxJavaType type) {
    return switch (type) {
      case DOUBLE, INT64 -> 8;
      case FLOAT, INT32 -> 4;
      case INT16 -> 2;
      case INT8, UINT8, BOOL -> 1;
      default -> 0;
    };
  }

  private static String[] strings(String name, ByteBuffer raw, long count) throws ApiException {
    List<String> out = new ArrayList<>();
    while (raw.remaining() >= 4) {
      long len = Integer.toUnsignedLong(raw.getInt());
      if (len > raw.remaining()) {
        break;
      }
      byte[] b = new byte[(int) len];
      raw.get(b);
      out.add(new String(b, StandardCharsets.UTF_8));
    }
    if (raw.hasRemaining() || out.size() != count) {
      throw ApiException.badRequest(
          "input '"
              + name
              + "': BYTES binary data must be "
              + count
              + " elements, each a 4-byte length and its bytes");
    }
    return out.toArray(new String[0]);
  }

  /** An output tensor's data as raw little-endian bytes. */
  static byte[] encode(OnnxTensor tensor) throws OrtException {
    OnnxJavaType type = tensor.getInfo().type;
    if (type == OnnxJavaType.STRING) {
      return strings(tensor);
    }
    Buffer ref = OutputValues.data(tensor);
    ByteBuffer out =
        ByteBuffer.allocate(ref.remaining() * width(type)).order(ByteOrder.LITTLE_ENDIAN);
    switch (type) {
      case FLOAT -> out.asFloatBuffer().put((FloatBuffer) ref.duplicate());
      case DOUBLE -> out.asDoubleBuffer().put((DoubleBuffer) ref.duplicate());
      case INT64 -> out.asLongBuffer().put((LongBuffer) ref.duplicate());
      case INT32 -> out.asIntBuffer().put((IntBuffer) ref.duplicate());
      case INT16 -> out.asShortBuffer().put((ShortBuffer) ref.duplicate());
      case INT8, UINT8, BOOL -> out.put((ByteBuffer) ref.duplicate());
      default -> throw new OrtException("output type " + type + " has no binary form here");
    }
    return out.array();
  }

  private static byte[] strings(OnnxTensor tensor) throws OrtException {
    List<byte[]> parts = new ArrayList<>();
    OutputValues.forEachString(
        tensor.getValue(), s -> parts.add(s.getBytes(StandardCharsets.UTF_8)));
    int size = parts.stream().mapToInt(p -> 4 + p.length).sum();
    ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    for (byte[] p : parts) {
      out.putInt(p.length).put(p);
    }
    return out.array();
  }
}
