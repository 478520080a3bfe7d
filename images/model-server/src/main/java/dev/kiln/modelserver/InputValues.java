package dev.kiln.modelserver;

import ai.onnxruntime.OnnxJavaType;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.List;

/**
 * The flat values of one request input, converted to the buffer ONNX Runtime takes for the input's
 * type. A value that does not fit the type (not a number, out of range, not true/false) is a 400
 * naming the input and the value.
 */
record InputValues(String name, List<JsonNode> flat) {

  FloatBuffer floats() throws ApiException {
    return fill(FloatBuffer.allocate(flat.size()), (b, v) -> b.put((float) number(v)));
  }

  DoubleBuffer doubles() throws ApiException {
    return fill(DoubleBuffer.allocate(flat.size()), (b, v) -> b.put(number(v)));
  }

  LongBuffer longs() throws ApiException {
    return fill(
        LongBuffer.allocate(flat.size()),
        (b, v) -> b.put(integer(v, Long.MIN_VALUE, Long.MAX_VALUE)));
  }

  IntBuffer ints() throws ApiException {
    return fill(
        IntBuffer.allocate(flat.size()),
        (b, v) -> b.put((int) integer(v, Integer.MIN_VALUE, Integer.MAX_VALUE)));
  }

  ShortBuffer shorts() throws ApiException {
    return fill(
        ShortBuffer.allocate(flat.size()),
        (b, v) -> b.put((short) integer(v, Short.MIN_VALUE, Short.MAX_VALUE)));
  }

  /** INT8, UINT8 and BOOL: one byte each, in a direct buffer as ONNX Runtime needs for them. */
  ByteBuffer bytes(OnnxJavaType type) throws ApiException {
    return fill(
        ByteBuffer.allocateDirect(flat.size()).order(ByteOrder.nativeOrder()),
        (b, v) -> b.put(oneByte(type, v)));
  }

  String[] strings() throws ApiException {
    String[] s = new String[flat.size()];
    for (int i = 0; i < s.length; i++) {
      if (!flat.get(i).isTextual()) {
        throw ApiException.badRequest("input '" + name + "': BYTES data must be strings");
      }
      s[i] = flat.get(i).asText();
    }
    return s;
  }

  /** Puts one value into a buffer, or refuses it. */
  private interface Put<B extends Buffer> {
    void put(B buffer, JsonNode value) throws ApiException;
  }

  private <B extends Buffer> B fill(B buffer, Put<B> put) throws ApiException {
    for (JsonNode v : flat) {
      put.put(buffer, v);
    }
    buffer.flip();
    return buffer;
  }

  private byte oneByte(OnnxJavaType type, JsonNode v) throws ApiException {
    if (type == OnnxJavaType.BOOL) {
      if (!v.isBoolean()) {
        throw ApiException.badRequest("input '" + name + "': BOOL data must be true/false");
      }
      return (byte) (v.asBoolean() ? 1 : 0);
    }
    if (type == OnnxJavaType.INT8) {
      return (byte) integer(v, Byte.MIN_VALUE, Byte.MAX_VALUE);
    }
    return (byte) integer(v, 0, 255);
  }

  private double number(JsonNode v) throws ApiException {
    if (!v.isNumber()) {
      throw ApiException.badRequest("input '" + name + "': " + v + " is not a number");
    }
    return v.asDouble();
  }

  private long integer(JsonNode v, long min, long max) throws ApiException {
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
      throw ApiException.badRequest(
          "input '" + name + "': " + v + " is not an integer in [" + min + ", " + max + "]");
    }
    return v.asLong();
  }
}
