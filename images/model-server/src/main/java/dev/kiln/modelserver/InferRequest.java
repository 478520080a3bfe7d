package dev.kiln.modelserver;

import ai.onnxruntime.OnnxTensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One decoded inference request, whichever transport or encoding it came in: the input tensors
 * (closed with the request), the outputs asked for, each with whether it is wanted as binary data,
 * and the request's {@code id}.
 */
final class InferRequest implements AutoCloseable {
  final Map<String, OnnxTensor> inputs = new LinkedHashMap<>(4);

  /** Requested outputs by name: true where the client wants that output's data in binary. */
  final Map<String, Boolean> outputs = new LinkedHashMap<>(4);

  String id;

  /** The request's {@code binary_data_output} parameter: every output not named otherwise. */
  boolean binaryOutputs;

  @Override
  public void close() {
    for (OnnxTensor t : inputs.values()) {
      t.close();
    }
    inputs.clear();
  }
}
