package dev.kiln.modelserver;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One ONNX model in an ONNX Runtime session. Its input and output names, types and shapes are read
 * once at load, so a request never asks the session for them.
 */
final class InferenceModel implements AutoCloseable {
  private final OrtEnvironment env;
  private final OrtSession session;
  private final Map<String, TensorSpec> inputs = new LinkedHashMap<>();
  private final Map<String, TensorSpec> outputs = new LinkedHashMap<>();
  private final Set<String> outputNames;

  private InferenceModel(OrtEnvironment env, OrtSession session) throws OrtException {
    this.env = env;
    this.session = session;
    for (NodeInfo info : session.getInputInfo().values()) {
      inputs.put(info.getName(), TensorSpec.of(info));
    }
    for (NodeInfo info : session.getOutputInfo().values()) {
      outputs.put(info.getName(), TensorSpec.of(info));
    }
    this.outputNames = Collections.unmodifiableSet(outputs.keySet());
  }

  static InferenceModel load(Path file, int intraOpThreads) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(intraOpThreads);
      options.setInterOpNumThreads(1);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      return new InferenceModel(env, env.createSession(file.toString(), options));
    }
  }

  OrtEnvironment env() {
    return env;
  }

  List<TensorSpec> inputs() {
    return List.copyOf(inputs.values());
  }

  List<TensorSpec> outputs() {
    return List.copyOf(outputs.values());
  }

  int inputCount() {
    return inputs.size();
  }

  Set<String> inputNames() {
    return inputs.keySet();
  }

  Set<String> outputNames() {
    return outputs.keySet();
  }

  /** The input called {@code name}, or null. */
  TensorSpec input(String name) {
    return inputs.get(name);
  }

  /** The output called {@code name}, or null. */
  TensorSpec output(String name) {
    return outputs.get(name);
  }

  /** Runs the request; the result holds the outputs it asked for (all when it named none). */
  OrtSession.Result run(InferRequest request) throws OrtException {
    return session.run(
        request.inputs, request.outputs.isEmpty() ? outputNames : request.outputs.keySet());
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
