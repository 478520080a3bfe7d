package dev.kiln.modelserver;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import com.google.protobuf.ByteString;
import dev.kiln.modelserver.grpc.GrpcPredictV2.InferTensorContents;
import dev.kiln.modelserver.grpc.GrpcPredictV2.ModelInferRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The inputs of a gRPC {@code ModelInfer}: from {@code raw_input_contents} (one entry per input, in
 * order, as Triton's and KServe's clients send them) or from the typed {@code contents}, which are
 * turned into the same little-endian bytes.
 */
final class GrpcTensors {
  private GrpcTensors() {}

  static InferRequest read(InferenceModel model, ModelInferRequest grpc)
      throws ApiException, OrtException {
    if (grpc.getInputsCount() == 0) {
      throw ApiException.badRequest("'inputs' must be a non-empty list of tensors");
    }
    if (grpc.getRawInputContentsCount() > 0
        && grpc.getRawInputContentsCount() != grpc.getInputsCount()) {
      throw ApiException.badRequest(
          "raw_input_contents has "
              + grpc.getRawInputContentsCount()
              + " entries for "
              + grpc.getInputsCount()
              + " inputs; it needs one per input");
    }
    InferRequest request = new InferRequest();
    try {
      request.id = grpc.getId().isEmpty() ? null : grpc.getId();
      for (ModelInferRequest.InferRequestedOutputTensor o : grpc.getOutputsList()) {
        if (model.output(o.getName()) == null) {
          throw ApiException.badRequest(
              "unknown output '"
                  + o.getName()
                  + "'; the model's outputs are "
                  + model.outputNames());
        }
        request.outputs.put(o.getName(), Boolean.TRUE);
      }
      for (int i = 0; i < grpc.getInputsCount(); i++) {
        ModelInferRequest.InferInputTensor input = grpc.getInputs(i);
        ByteString raw = grpc.getRawInputContentsCount() > 0 ? grpc.getRawInputContents(i) : null;
        put(model, input, raw, request);
      }
      for (String name : model.inputNames()) {
        if (!request.inputs.containsKey(name)) {
          throw ApiException.badRequest("missing input '" + name + "'");
        }
      }
      return request;
    } catch (ApiException | OrtException | RuntimeException e) {
      request.close();
      throw e;
    }
  }

  private static void put(
      InferenceModel model,
      ModelInferRequest.InferInputTensor input,
      ByteString raw,
      InferRequest request)
      throws ApiException, OrtException {
    TensorSpec spec = model.input(input.getName());
    if (spec == null) {
      throw ApiException.badRequest(
          "unknown input '" + input.getName() + "'; the model's inputs are " + model.inputNames());
    }
    if (request.inputs.containsKey(spec.name())) {
      throw ApiException.badRequest("input '" + spec.name() + "' given twice");
    }
    InputTensors.checkDatatype(spec, input.getDatatype().isEmpty() ? null : input.getDatatype());
    long[] shape = input.getShapeList().stream().mapToLong(Long::longValue).toArray();
    for (long d : shape) {
      if (d < 0) {
        throw ApiException.badRequest(
            "input '" + spec.name() + "': shape must hold non-negative integers");
      }
    }
    InputTensors.checkShape(spec, shape);
    ByteBuffer bytes = raw != null ? raw.asReadOnlyByteBuffer() : contents(input.getContents());
    OnnxTensor tensor = RawTensors.decode(model.env(), spec, shape, bytes);
    request.inputs.put(spec.name(), tensor);
  }

  /** Typed contents as the little-endian bytes the raw form would carry. */
  private static ByteBuffer contents(InferTensorContents c) {
    ByteBuffer b =
        ByteBuffer.allocate(
                c.getFp32ContentsCount() * 4
                    + c.getFp64ContentsCount() * 8
                    + c.getInt64ContentsCount() * 8
                    + c.getIntContentsCount() * 4
                    + c.getUintContentsCount() * 4
                    + c.getBoolContentsCount()
                    + c.getBytesContentsList().stream().mapToInt(s -> 4 + s.size()).sum())
            .order(ByteOrder.LITTLE_ENDIAN);
    c.getFp32ContentsList().forEach(b::putFloat);
    c.getFp64ContentsList().forEach(b::putDouble);
    c.getInt64ContentsList().forEach(b::putLong);
    c.getIntContentsList().forEach(b::putInt);
    c.getUintContentsList().forEach(b::putInt);
    c.getBoolContentsList().forEach(v -> b.put((byte) (v ? 1 : 0)));
    c.getBytesContentsList().forEach(s -> b.putInt(s.size()).put(s.asReadOnlyByteBuffer()));
    return b.flip();
  }
}
