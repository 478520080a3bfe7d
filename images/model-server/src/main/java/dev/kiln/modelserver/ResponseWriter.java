package dev.kiln.modelserver;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The v2 REST response to one inference: JSON written into a buffer this thread reuses, followed by
 * the data of the outputs the client asked to get in binary (then {@code jsonLength} is what the
 * {@code Inference-Header-Content-Length} header says).
 */
final class ResponseWriter {
  private static final ThreadLocal<JsonOut> OUT = ThreadLocal.withInitial(JsonOut::new);

  /** The answer's bytes; {@code jsonLength < body.length} when binary outputs follow the JSON. */
  // Never compared.
  @SuppressWarnings("ArrayRecordComponent")
  record Body(byte[] body, int jsonLength) {
    boolean binary() {
      return jsonLength < body.length;
    }
  }

  private ResponseWriter() {}

  static Body write(String modelName, InferRequest request, OrtSession.Result result)
      throws OrtException {
    JsonOut out = OUT.get().reset();
    out.raw("{\"model_name\":").string(modelName).raw(",\"model_version\":\"1\"");
    if (request.id != null) {
      out.raw(",\"id\":").string(request.id);
    }
    out.raw(",\"outputs\":[");
    List<byte[]> binary = null;
    boolean first = true;
    for (Map.Entry<String, OnnxValue> e : result) {
      if (!(e.getValue() instanceof OnnxTensor tensor)) {
        throw new OrtException(
            "output '" + e.getKey() + "' is not a tensor; the v2 protocol needs one");
      }
      out.raw(first ? "{\"name\":" : ",{\"name\":").string(e.getKey());
      first = false;
      out.raw(",\"datatype\":\"")
          .raw(TensorSpec.v2Type(tensor.getInfo().type))
          .raw("\",\"shape\":[");
      long[] shape = tensor.getInfo().getShape();
      for (int i = 0; i < shape.length; i++) {
        (i == 0 ? out : out.raw(',')).number(shape[i]);
      }
      if (request.outputs.getOrDefault(e.getKey(), request.binaryOutputs)) {
        byte[] raw = RawTensors.encode(tensor);
        binary = binary == null ? new ArrayList<>() : binary;
        binary.add(raw);
        out.raw("],\"parameters\":{\"binary_data_size\":").number(raw.length).raw("}}");
      } else {
        out.raw("],\"data\":");
        OutputValues.writeJson(tensor, out);
        out.raw('}');
      }
    }
    out.raw("]}");
    return body(out, binary);
  }

  private static Body body(JsonOut out, List<byte[]> binary) {
    int jsonLength = out.length();
    int tail = binary == null ? 0 : binary.stream().mapToInt(b -> b.length).sum();
    byte[] body = out.copy(tail);
    int at = jsonLength;
    if (binary != null) {
      for (byte[] b : binary) {
        System.arraycopy(b, 0, body, at, b.length);
        at += b.length;
      }
    }
    return new Body(body, jsonLength);
  }
}
