package dev.kiln.modelserver;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One ONNX model in an ONNX Runtime session, with the v2 protocol's tensor conversions. */
final class InferenceModel implements AutoCloseable {
  /** A model input or output as the v2 metadata describes it. */
  record TensorSpec(String name, String datatype, long[] shape, OnnxJavaType type) {}

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Set<String> V2_DATATYPES =
      Set.of(
          "BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64", "FP16",
          "FP32", "FP64", "BYTES");

  private final OrtEnvironment env;
  private final OrtSession session;
  private final Map<String, TensorSpec> inputs = new LinkedHashMap<>();
  private final Map<String, TensorSpec> outputs = new LinkedHashMap<>();

  private InferenceModel(OrtEnvironment env, OrtSession session) throws OrtException {
    this.env = env;
    this.session = session;
    for (NodeInfo info : session.getInputInfo().values()) {
      inputs.put(info.getName(), spec(info));
    }
    for (NodeInfo info : session.getOutputInfo().values()) {
      outputs.put(info.getName(), spec(info));
    }
  }

  static InferenceModel load(Path file, int intraOpThreads) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(intraOpThreads);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      return new InferenceModel(env, env.createSession(file.toString(), options));
    }
  }

  List<TensorSpec> inputs() {
    return List.copyOf(inputs.values());
  }

  List<TensorSpec> outputs() {
    return List.copyOf(outputs.values());
  }

  private static TensorSpec spec(NodeInfo info) {
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

  /** Runs a v2 inference request body and returns the v2 response body. */
  ObjectNode infer(String modelName, JsonNode request) throws ApiException, OrtException {
    if (request == null || !request.isObject()) {
      throw ApiException.badRequest("request body must be a JSON object with an 'inputs' array");
    }
    JsonNode inputsNode = request.get("inputs");
    if (inputsNode == null || !inputsNode.isArray() || inputsNode.isEmpty()) {
      throw ApiException.badRequest("'inputs' must be a non-empty array of tensors");
    }
    Set<String> wanted = new LinkedHashSet<>();
    JsonNode outputsNode = request.get("outputs");
    if (outputsNode != null && !outputsNode.isNull()) {
      if (!outputsNode.isArray()) {
        throw ApiException.badRequest("'outputs' must be an array of {\"name\": ...}");
      }
      for (JsonNode o : outputsNode) {
        String name = o.path("name").asText(null);
        if (name == null || !outputs.containsKey(name)) {
          throw ApiException.badRequest(
              "unknown output '" + name + "'; the model's outputs are " + outputs.keySet());
        }
        wanted.add(name);
      }
    }
    if (wanted.isEmpty()) {
      wanted.addAll(outputs.keySet());
    }
    Map<String, OnnxTensor> tensors = new HashMap<>();
    try {
      for (JsonNode input : inputsNode) {
        String name = input.path("name").asText(null);
        if (name == null) {
          throw ApiException.badRequest("every input needs a 'name'");
        }
        TensorSpec spec = inputs.get(name);
        if (spec == null) {
          throw ApiException.badRequest(
              "unknown input '" + name + "'; the model's inputs are " + inputs.keySet());
        }
        if (tensors.containsKey(name)) {
          throw ApiException.badRequest("input '" + name + "' given twice");
        }
        tensors.put(name, toTensor(spec, input));
      }
      for (String name : inputs.keySet()) {
        if (!tensors.containsKey(name)) {
          throw ApiException.badRequest("missing input '" + name + "'");
        }
      }
      ObjectNode response = NODES.objectNode();
      response.put("model_name", modelName);
      response.put("model_version", "1");
      if (request.hasNonNull("id")) {
        response.set("id", request.get("id"));
      }
      ArrayNode out = response.putArray("outputs");
      try (OrtSession.Result result = session.run(tensors, wanted)) {
        for (Map.Entry<String, OnnxValue> e : result) {
          out.add(toJson(e.getKey(), e.getValue()));
        }
      }
      return response;
    } finally {
      tensors.values().forEach(OnnxTensor::close);
    }
  }

  private OnnxTensor toTensor(TensorSpec spec, JsonNode input) throws ApiException, OrtException {
    String name = spec.name();
    String datatype = input.path("datatype").asText(null);
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
    int n = flat.size();
    switch (spec.type()) {
      case FLOAT -> {
        FloatBuffer b = FloatBuffer.allocate(n);
        for (JsonNode v : flat) {
          b.put((float) number(name, v));
        }
        return OnnxTensor.createTensor(env, b.flip(), shape);
      }
      case DOUBLE -> {
        DoubleBuffer b = DoubleBuffer.allocate(n);
        for (JsonNode v : flat) {
          b.put(number(name, v));
        }
        return OnnxTensor.createTensor(env, b.flip(), shape);
      }
      case INT64 -> {
        LongBuffer b = LongBuffer.allocate(n);
        for (JsonNode v : flat) {
          b.put(integer(name, v, Long.MIN_VALUE, Long.MAX_VALUE));
        }
        return OnnxTensor.createTensor(env, b.flip(), shape);
      }
      case INT32 -> {
        IntBuffer b = IntBuffer.allocate(n);
        for (JsonNode v : flat) {
          b.put((int) integer(name, v, Integer.MIN_VALUE, Integer.MAX_VALUE));
        }
        return OnnxTensor.createTensor(env, b.flip(), shape);
      }
      case INT16 -> {
        ShortBuffer b = ShortBuffer.allocate(n);
        for (JsonNode v : flat) {
          b.put((short) integer(name, v, Short.MIN_VALUE, Short.MAX_VALUE));
        }
        return OnnxTensor.createTensor(env, b.flip(), shape);
      }
      case INT8, UINT8, BOOL -> {
        ByteBuffer b = ByteBuffer.allocateDirect(n).order(ByteOrder.nativeOrder());
        for (JsonNode v : flat) {
          if (spec.type() == OnnxJavaType.BOOL) {
            if (!v.isBoolean()) {
              throw ApiException.badRequest("input '" + name + "': BOOL data must be true/false");
            }
            b.put((byte) (v.asBoolean() ? 1 : 0));
          } else if (spec.type() == OnnxJavaType.INT8) {
            b.put((byte) integer(name, v, Byte.MIN_VALUE, Byte.MAX_VALUE));
          } else {
            b.put((byte) integer(name, v, 0, 255));
          }
        }
        return OnnxTensor.createTensor(env, b.flip(), shape, spec.type());
      }
      case STRING -> {
        String[] s = new String[n];
        for (int i = 0; i < n; i++) {
          if (!flat.get(i).isTextual()) {
            throw ApiException.badRequest("input '" + name + "': BYTES data must be strings");
          }
          s[i] = flat.get(i).asText();
        }
        return OnnxTensor.createTensor(env, s, shape);
      }
      default ->
          throw ApiException.badRequest(
              "input '" + name + "': datatype " + datatype + " is not supported by this server");
    }
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

  private static double number(String name, JsonNode v) throws ApiException {
    if (!v.isNumber()) {
      throw ApiException.badRequest("input '" + name + "': " + v + " is not a number");
    }
    return v.asDouble();
  }

  private static long integer(String name, JsonNode v, long min, long max) throws ApiException {
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
      throw ApiException.badRequest(
          "input '" + name + "': " + v + " is not an integer in [" + min + ", " + max + "]");
    }
    return v.asLong();
  }

  private static ObjectNode toJson(String name, OnnxValue value) throws OrtException {
    if (!(value instanceof OnnxTensor tensor)) {
      throw new OrtException("output '" + name + "' is not a tensor; the v2 protocol needs one");
    }
    TensorInfo info = tensor.getInfo();
    ObjectNode node = NODES.objectNode();
    node.put("name", name);
    node.put("datatype", v2Type(info.type));
    ArrayNode shape = node.putArray("shape");
    for (long d : info.getShape()) {
      shape.add(d);
    }
    ArrayNode data = node.putArray("data");
    switch (info.type) {
      case FLOAT -> {
        FloatBuffer b = tensor.getFloatBuffer();
        while (b.hasRemaining()) {
          data.add(b.get());
        }
      }
      case DOUBLE -> {
        DoubleBuffer b = tensor.getDoubleBuffer();
        while (b.hasRemaining()) {
          data.add(b.get());
        }
      }
      case INT64 -> {
        LongBuffer b = tensor.getLongBuffer();
        while (b.hasRemaining()) {
          data.add(b.get());
        }
      }
      case INT32 -> {
        IntBuffer b = tensor.getIntBuffer();
        while (b.hasRemaining()) {
          data.add(b.get());
        }
      }
      case INT16 -> {
        ShortBuffer b = tensor.getShortBuffer();
        while (b.hasRemaining()) {
          data.add(b.get());
        }
      }
      case INT8, UINT8, BOOL -> {
        ByteBuffer b = tensor.getByteBuffer();
        while (b.hasRemaining()) {
          byte v = b.get();
          if (info.type == OnnxJavaType.BOOL) {
            data.add(v != 0);
          } else if (info.type == OnnxJavaType.UINT8) {
            data.add(v & 0xff);
          } else {
            data.add(v);
          }
        }
      }
      case STRING -> {
        Object v = tensor.getValue();
        addStrings(v, data);
      }
      default -> throw new OrtException("output '" + name + "' has unsupported type " + info.type);
    }
    return node;
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

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
