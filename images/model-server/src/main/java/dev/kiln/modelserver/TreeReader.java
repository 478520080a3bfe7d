package dev.kiln.modelserver;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads any v2 infer request from its JSON tree: every check, every error named, the numeric {@code
 * id} some clients send (answered as the string the protocol types it), {@code parameters}, and
 * inputs given as binary data after the JSON (the binary tensor data extension).
 */
final class TreeReader {
  private TreeReader() {}

  /**
   * The decoded request. {@code binary} holds the bytes after the JSON header (empty without the
   * extension); each input with a {@code binary_data_size} parameter takes the next that many.
   */
  static InferRequest read(
      OrtEnvironment env, InferenceModel model, JsonNode json, BinaryTail binary)
      throws ApiException, OrtException {
    if (json == null || !json.isObject()) {
      throw ApiException.badRequest("request body must be a JSON object with an 'inputs' array");
    }
    JsonNode inputsNode = json.get("inputs");
    if (inputsNode == null || !inputsNode.isArray() || inputsNode.isEmpty()) {
      throw ApiException.badRequest("'inputs' must be a non-empty array of tensors");
    }
    InferRequest request = new InferRequest();
    try {
      request.id = id(json.get("id"));
      request.binaryOutputs = Parameters.flag(json, "binary_data_output");
      outputs(model, json.get("outputs"), request);
      inputs(env, model, inputsNode, binary, request);
      binary.checkAllUsed();
      return request;
    } catch (ApiException | OrtException | RuntimeException e) {
      request.close();
      throw e;
    }
  }

  /** The protocol types {@code id} as a string; a number is answered as its text. */
  private static String id(JsonNode id) throws ApiException {
    if (id == null || id.isNull()) {
      return null;
    }
    if (!id.isTextual() && !id.isNumber()) {
      throw ApiException.badRequest("'id' must be a string, got " + id);
    }
    return id.asText();
  }

  private static void outputs(InferenceModel model, JsonNode outputsNode, InferRequest request)
      throws ApiException {
    if (outputsNode == null || outputsNode.isNull()) {
      return;
    }
    if (!outputsNode.isArray()) {
      throw ApiException.badRequest("'outputs' must be an array of {\"name\": ...}");
    }
    for (JsonNode o : outputsNode) {
      String name = o.path("name").asText(null);
      if (name == null || model.output(name) == null) {
        throw ApiException.badRequest(
            "unknown output '" + name + "'; the model's outputs are " + model.outputNames());
      }
      boolean binary =
          o.path("parameters").has("binary_data")
              ? Parameters.flag(o, "binary_data")
              : request.binaryOutputs;
      request.outputs.put(name, binary);
    }
  }

  /** Each of the model's inputs exactly once; tensors go into the request as they are made. */
  private static void inputs(
      OrtEnvironment env,
      InferenceModel model,
      JsonNode inputsNode,
      BinaryTail binary,
      InferRequest r)
      throws ApiException, OrtException {
    for (JsonNode input : inputsNode) {
      String name = input.path("name").asText(null);
      if (name == null) {
        throw ApiException.badRequest("every input needs a 'name'");
      }
      TensorSpec spec = model.input(name);
      if (spec == null) {
        throw ApiException.badRequest(
            "unknown input '" + name + "'; the model's inputs are " + model.inputNames());
      }
      if (r.inputs.containsKey(name)) {
        throw ApiException.badRequest("input '" + name + "' given twice");
      }
      long size = Parameters.size(input, "binary_data_size");
      r.inputs.put(
          name,
          size < 0
              ? InputTensors.decode(env, spec, input)
              : RawTensors.decode(
                  env, spec, InputTensors.header(spec, input), binary.take(name, size)));
    }
    for (String name : model.inputNames()) {
      if (!r.inputs.containsKey(name)) {
        throw ApiException.badRequest("missing input '" + name + "'");
      }
    }
  }
}
