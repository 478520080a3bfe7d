package dev.kiln.modelserver;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Turns one input of a v2 inference request into an ONNX tensor, checked against the model's input:
 * datatype, shape and every value. A mismatch is a 400 naming the input and what differs.
 */
final class InputTensors {
  private static final Set<String> V2_DATATYPES =
      Set.of(
          "BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64", "FP16",
          "FP32", "FP64", "BYTES");

  private InputTensors() {}

  static OnnxTensor decode(OrtEnvironment env, TensorSpec spec, JsonNode input)
      throws ApiException, OrtException {
    long[] shape = header(spec, input);
    List<JsonNode> values = values(spec.name(), input, shape);
    return create(env, spec, spec.datatype(), values, shape);
  }

  /** The input's shape, once its datatype and shape are checked against the model's. */
  static long[] header(TensorSpec spec, JsonNode input) throws ApiException {
    checkDatatype(spec, input.path("datatype").asText(null));
    long[] shape = shape(spec.name(), input);
    checkShape(spec, shape);
    return shape;
  }

  static void checkDatatype(TensorSpec spec, String datatype) throws ApiException {
    String name = spec.name();
    if (datatype == null) {
      throw ApiException.badRequest("input '" + name + "' needs a 'datatype'");
    }
    if (!V2_DATATYPES.contains(datatype)) {
      throw ApiException.badRequest(
          "input '" + name + "': unsupported datatype '" + datatype + "'");
    }
    if (!datatype.equals(spec.datatype())) {
      throw ApiException.badRequest(
          "input '"
              + name
              + "' has datatype "
              + datatype
              + " but the model expects "
              + spec.datatype());
    }
  }

  /** The request's shape: sizes whose product (the value count) fits a long. */
  private static long[] shape(String name, JsonNode input) throws ApiException {
    JsonNode shapeNode = input.get("shape");
    if (shapeNode == null || !shapeNode.isArray()) {
      throw ApiException.badRequest("input '" + name + "' needs a 'shape' array");
    }
    long[] shape = new long[shapeNode.size()];
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = shapeNode.get(i);
      if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
        throw ApiException.badRequest(
            "input '" + name + "': shape must hold non-negative integers, got " + shapeNode);
      }
      shape[i] = d.asLong();
      count = Math.multiplyExact(count, shape[i]);
    }
    return shape;
  }

  /** The model's shape fits the request's ({@code -1} there matches any size). */
  static void checkShape(TensorSpec spec, long[] shape) throws ApiException {
    String name = spec.name();
    long[] expected = spec.shape();
    if (expected.length != shape.length) {
      throw ApiException.badRequest(
          "input '"
              + name
              + "' has shape "
              + Arrays.toString(shape)
              + " but the model expects rank "
              + expected.length
              + " "
              + Arrays.toString(expected));
    }
    for (int i = 0; i < shape.length; i++) {
      if (expected[i] >= 0 && expected[i] != shape[i]) {
        throw ApiException.badRequest(
            "input '"
                + name
                + "' has shape "
                + Arrays.toString(shape)
                + " but the model expects "
                + Arrays.toString(expected)
                + " (-1 = any)");
      }
    }
  }

  /** The data, flat or nested, row-major: exactly as many values as the shape holds. */
  private static List<JsonNode> values(String name, JsonNode input, long[] shape)
      throws ApiException {
    long count = 1;
    for (long d : shape) {
      count = Math.multiplyExact(count, d);
    }
    JsonNode data = input.get("data");
    if (data == null || !data.isArray()) {
      throw ApiException.badRequest("input '" + name + "' needs a 'data' array");
    }
    List<JsonNode> flat = new ArrayList<>((int) Math.min(count, 1 << 20));
    flatten(data, flat);
    if (flat.size() != count) {
      throw ApiException.badRequest(
          "input '"
              + name
              + "': shape "
              + Arrays.toString(shape)
              + " needs "
              + count
              + " values, got "
              + flat.size());
    }
    return flat;
  }

  private static OnnxTensor create(
      OrtEnvironment env, TensorSpec spec, String datatype, List<JsonNode> flat, long[] shape)
      throws ApiException, OrtException {
    InputValues values = new InputValues(spec.name(), flat);
    return switch (spec.type()) {
      case FLOAT -> OnnxTensor.createTensor(env, values.floats(), shape);
      case DOUBLE -> OnnxTensor.createTensor(env, values.doubles(), shape);
      case INT64 -> OnnxTensor.createTensor(env, values.longs(), shape);
      case INT32 -> OnnxTensor.createTensor(env, values.ints(), shape);
      case INT16 -> OnnxTensor.createTensor(env, values.shorts(), shape);
      case INT8, UINT8, BOOL ->
          OnnxTensor.createTensor(env, values.bytes(spec.type()), shape, spec.type());
      case STRING -> OnnxTensor.createTensor(env, values.strings(), shape);
      default ->
          throw ApiException.badRequest(
              "input '"
                  + spec.name()
                  + "': datatype "
                  + datatype
                  + " is not supported by this server");
    };
  }

  private static void flatten(JsonNode node, List<JsonNode> out) {
    for (JsonNode v : node) {
      if (v.isArray()) {
        flatten(v, out);
      } else {
        out.add(v);
      }
    }
  }
}
