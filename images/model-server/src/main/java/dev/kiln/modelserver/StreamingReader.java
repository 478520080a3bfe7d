package dev.kiln.modelserver;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The hot path for JSON infer requests: one pass of a streaming parser writes the numbers straight
 * into a direct buffer this thread reuses, which ONNX Runtime reads without a copy. No tree, no
 * boxed values, field names compared in place. It takes only the common, well-formed case (numeric
 * inputs whose name, shape and datatype come before their data); for anything else it returns null
 * and the caller reads the request with {@link TreeReader}, which also names what is wrong.
 */
final class StreamingReader {
  private static final JsonFactory FACTORY = new JsonFactory();
  private static final ThreadLocal<ByteBuffer[]> SCRATCH =
      ThreadLocal.withInitial(() -> new ByteBuffer[4]);

  private StreamingReader() {}

  /** The decoded request, or null when it is not for this path. */
  static InferRequest read(OrtEnvironment env, InferenceModel model, byte[] body)
      throws IOException, OrtException {
    InferRequest request = new InferRequest();
    boolean done = false;
    try (JsonParser p = FACTORY.createParser(body)) {
      done = p.nextToken() == JsonToken.START_OBJECT && object(p, env, model, request);
      done = done && p.nextToken() == null && request.inputs.size() == model.inputCount();
      return done ? request : null;
    } catch (IOException e) {
      return null; // malformed: the tree reader says where
    } finally {
      if (!done) {
        request.close();
      }
    }
  }

  private static boolean object(JsonParser p, OrtEnvironment env, InferenceModel m, InferRequest r)
      throws IOException, OrtException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName(); // interned by the parser: no allocation
      JsonToken t = p.nextToken();
      if ("id".equals(field) && t == JsonToken.VALUE_STRING) {
        r.id = p.getText();
      } else if ("inputs".equals(field) && t == JsonToken.START_ARRAY) {
        while (p.nextToken() == JsonToken.START_OBJECT) {
          if (!input(p, env, m, r)) {
            return false;
          }
        }
      } else if ("outputs".equals(field) && t == JsonToken.START_ARRAY) {
        while (p.nextToken() == JsonToken.START_OBJECT) {
          if (p.nextToken() != JsonToken.FIELD_NAME || !"name".equals(p.currentName())) {
            return false;
          }
          p.nextToken();
          TensorSpec out = m.output(p.getText());
          if (out == null || p.nextToken() != JsonToken.END_OBJECT) {
            return false;
          }
          r.outputs.put(out.name(), Boolean.FALSE);
        }
      } else {
        return false; // parameters, a numeric id, anything unusual: the tree reader
      }
    }
    return true;
  }

  private static boolean input(JsonParser p, OrtEnvironment env, InferenceModel m, InferRequest r)
      throws IOException, OrtException {
    TensorSpec spec = null;
    long[] shape = null;
    boolean typed = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      if ("name".equals(field)) {
        spec = m.input(p.getText());
      } else if ("datatype".equals(field) && spec != null) {
        typed = sameText(p, spec.datatype());
      } else if ("shape".equals(field) && spec != null) {
        shape = shape(p, spec.shape());
      } else if ("data".equals(field)
          && typed
          && shape != null
          && !r.inputs.containsKey(spec.name())) {
        OnnxTensor t = data(p, env, spec, shape, r.inputs.size());
        if (t == null) {
          return false;
        }
        r.inputs.put(spec.name(), t);
      } else {
        return false;
      }
    }
    return spec != null && r.inputs.containsKey(spec.name());
  }

  private static boolean sameText(JsonParser p, String expected) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING || p.getTextLength() != expected.length()) {
      return false;
    }
    char[] chars = p.getTextCharacters();
    int off = p.getTextOffset();
    for (int i = 0; i < expected.length(); i++) {
      if (chars[off + i] != expected.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** The shape when it fits the model's, else null. */
  private static long[] shape(JsonParser p, long[] expected) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      return null;
    }
    long[] shape = new long[expected.length];
    int i = 0;
    while (p.nextToken() == JsonToken.VALUE_NUMBER_INT) {
      if (i == shape.length) {
        return null;
      }
      long d = p.getLongValue();
      if (d < 0 || (expected[i] >= 0 && expected[i] != d)) {
        return null;
      }
      shape[i++] = d;
    }
    return p.currentToken() == JsonToken.END_ARRAY && i == shape.length ? shape : null;
  }

  private static OnnxTensor data(
      JsonParser p, OrtEnvironment env, TensorSpec spec, long[] shape, int slot)
      throws IOException, OrtException {
    long count = 1;
    for (long d : shape) {
      count *= d;
    }
    int width = width(spec.type());
    if (width == 0
        || count * width > Integer.MAX_VALUE / 2
        || p.currentToken() != JsonToken.START_ARRAY) {
      return null;
    }
    ByteBuffer buf = scratch(slot, (int) count * width);
    if (!values(p, spec.type(), buf) || buf.position() != count * width) {
      return null;
    }
    buf.flip();
    return switch (spec.type()) {
      case FLOAT -> OnnxTensor.createTensor(env, buf.asFloatBuffer(), shape);
      case DOUBLE -> OnnxTensor.createTensor(env, buf.asDoubleBuffer(), shape);
      case INT64 -> OnnxTensor.createTensor(env, buf.asLongBuffer(), shape);
      default -> OnnxTensor.createTensor(env, buf.asIntBuffer(), shape);
    };
  }

  private static int width(OnnxJavaType type) {
    return switch (type) {
      case FLOAT, INT32 -> 4;
      case DOUBLE, INT64 -> 8;
      default -> 0;
    };
  }

  /** The values of a flat or nested data array, put into {@code buf}; false if one is off. */
  private static boolean values(JsonParser p, OnnxJavaType type, ByteBuffer buf)
      throws IOException {
    int depth = 1;
    while (depth > 0) {
      JsonToken t = p.nextToken();
      if (t == JsonToken.START_ARRAY) {
        depth++;
      } else if (t == JsonToken.END_ARRAY) {
        depth--;
      } else if (buf.remaining() == 0 || !value(p, t, type, buf)) {
        return false;
      }
    }
    return true;
  }

  private static boolean value(JsonParser p, JsonToken t, OnnxJavaType type, ByteBuffer buf)
      throws IOException {
    boolean integer = t == JsonToken.VALUE_NUMBER_INT && p.getTextLength() <= 18;
    switch (type) {
      case FLOAT, DOUBLE -> {
        double v;
        if (integer) {
          v = p.getLongValue();
        } else if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
          v = Decimals.parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
        } else {
          return false;
        }
        if (type == OnnxJavaType.FLOAT) {
          buf.putFloat((float) v);
        } else {
          buf.putDouble(v);
        }
      }
      case INT64 -> {
        if (!integer) {
          return false;
        }
        buf.putLong(p.getLongValue());
      }
      default -> {
        if (!integer || p.getLongValue() != (int) p.getLongValue()) {
          return false;
        }
        buf.putInt((int) p.getLongValue());
      }
    }
    return true;
  }

  /** This thread's direct buffer for input {@code slot}, cleared, with room for {@code bytes}. */
  private static ByteBuffer scratch(int slot, int bytes) {
    ByteBuffer[] buffers = SCRATCH.get();
    if (slot >= buffers.length) {
      return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }
    ByteBuffer b = buffers[slot];
    if (b == null || b.capacity() < bytes) {
      b = ByteBuffer.allocateDirect(Math.max(bytes, 1024)).order(ByteOrder.nativeOrder());
      buffers[slot] = b;
    }
    b.clear().limit(bytes);
    return b;
  }
}
