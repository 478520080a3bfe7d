package dev.kiln.modelserver;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One ONNX model in an ONNX Runtime session, answering v2 inference requests. */
final class InferenceModel implements AutoCloseable {
  private final OrtEnvironment env;
  private final OrtSession session;
  private final Map<String, TensorSpec> inputs = new LinkedHashMap<>();
  private final Map<String, TensorSpec> outputs = new LinkedHashMap<>();

  private InferenceModel(OrtEnvironment env, OrtSession session) throws OrtException {
    this.env = env;
    this.session = session;
    for (NodeInfo info : session.getInputInfo().values()) {
      inputs.put(info.getName(), TensorSpec.of(info));
    }
    for (NodeInfo info : session.getOutputInfo().values()) {
      outputs.put(info.getName(), TensorSpec.of(info));
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

  /** Runs a v2 inference request body and returns the v2 response body. */
  ObjectNode infer(String modelName, JsonNode request) throws ApiException, OrtException {
    if (request == null || !request.isObject()) {
      throw ApiException.badRequest("request body must be a JSON object with an 'inputs' array");
    }
    JsonNode inputsNode = request.get("inputs");
    if (inputsNode == null || !inputsNode.isArray() || inputsNode.isEmpty()) {
      throw ApiException.badRequest("'inputs' must be a non-empty array of tensors");
    }
    Set<String> wanted = wantedOutputs(request.get("outputs"));
    Map<String, OnnxTensor> tensors = new HashMap<>();
    try {
      decodeInputs(inputsNode, tensors);
      ObjectNode response = JsonNodeFactory.instance.objectNode();
      response.put("model_name", modelName);
      response.put("model_version", "1");
      if (request.hasNonNull("id")) {
        response.set("id", request.get("id"));
      }
      ArrayNode out = response.putArray("outputs");
      try (OrtSession.Result result = session.run(tensors, wanted)) {
        for (Map.Entry<String, OnnxValue> e : result) {
          out.add(OutputTensors.encode(e.getKey(), e.getValue()));
        }
      }
      return response;
    } finally {
      tensors.values().forEach(OnnxTensor::close);
    }
  }

  /** The outputs the request names, else all of them. */
  private Set<String> wantedOutputs(JsonNode outputsNode) throws ApiException {
    Set<String> wanted = new LinkedHashSet<>();
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
    return wanted;
  }

  /**
   * Decodes every input into {@code tensors}, which the caller closes even when a later input is
   * refused; each of the model's inputs must be given exactly once.
   */
  private void decodeInputs(JsonNode inputsNode, Map<String, OnnxTensor> tensors)
      throws ApiException, OrtException {
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
      tensors.put(name, InputTensors.decode(env, spec, input));
    }
    for (String name : inputs.keySet()) {
      if (!tensors.containsKey(name)) {
        throw ApiException.badRequest("missing input '" + name + "'");
      }
    }
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
