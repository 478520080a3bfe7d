package dev.kiln.modelserver;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.undertow.io.Receiver;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * {@code POST .../infer}: reads the body without blocking, decodes it (the streaming reader for the
 * common JSON case, the tree reader for the rest and the binary extension), runs the model where
 * {@link Dispatch} says and writes the answer.
 */
final class RestInference {
  /** Thread CPU time, not wall time: on a busy core, preemption must not look like a slow model. */
  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  static final HttpString HEADER_LENGTH = new HttpString("Inference-Header-Content-Length");

  private final Served served;
  private final Dispatch dispatch;

  RestInference(Served served) {
    this.served = served;
    this.dispatch = new Dispatch(served.config().inferenceThread());
  }

  void infer(HttpServerExchange ex, InferenceModel model) throws ApiException {
    if (ex.getRequestContentLength() > served.config().maxRequestBytes()) {
      throw tooBig();
    }
    Receiver receiver = ex.getRequestReceiver();
    receiver.setMaxBufferSize(
        (int) Math.min(Integer.MAX_VALUE - 8, served.config().maxRequestBytes()));
    receiver.receiveFullBytes(
        (e, body) ->
            dispatch.run(e, body.length, () -> Exchanges.guarded(e, x -> answer(x, model, body))),
        (e, failure) ->
            Exchanges.error(
                e,
                failure instanceof Receiver.RequestToLargeException ? 413 : 400,
                failure instanceof Receiver.RequestToLargeException
                    ? tooBig().getMessage()
                    : "cannot read the request body: " + failure.getMessage()));
  }

  private ApiException tooBig() {
    return new ApiException(
        413, "request body larger than " + served.config().maxRequestBytes() + " bytes");
  }

  private void answer(HttpServerExchange ex, InferenceModel model, byte[] body) throws Exception {
    long start = CPU.getCurrentThreadCpuTime();
    String header = ex.getRequestHeaders().getFirst(HEADER_LENGTH);
    InferRequest request = null;
    try {
      request = header == null ? StreamingReader.read(model.env(), model, body) : null;
      if (request == null) {
        request = treeRead(model, body, header);
      }
      ResponseWriter.Body answer;
      try (OrtSession.Result result = model.run(request)) {
        answer = ResponseWriter.write(served.config().modelName(), request, result);
      }
      served.counters().succeeded(rows(request));
      if (answer.binary()) {
        ex.getResponseHeaders().put(HEADER_LENGTH, answer.jsonLength());
      }
      Exchanges.send(
          ex,
          200,
          answer.binary() ? "application/octet-stream" : "application/json",
          answer.body());
    } catch (ApiException | OrtException | RuntimeException e) {
      served.counters().failed();
      throw e;
    } finally {
      if (request != null) {
        request.close();
      }
      dispatch.observe(CPU.getCurrentThreadCpuTime() - start);
    }
  }

  private static InferRequest treeRead(InferenceModel model, byte[] body, String header)
      throws ApiException, OrtException {
    int jsonLength = body.length;
    if (header != null) {
      try {
        jsonLength = Integer.parseInt(header.trim());
      } catch (NumberFormatException e) {
        jsonLength = -1;
      }
      if (jsonLength < 0 || jsonLength > body.length) {
        throw ApiException.badRequest(
            "Inference-Header-Content-Length must be a byte count within the body's "
                + body.length
                + ", got '"
                + header
                + "'");
      }
    }
    JsonNode json;
    try {
      json = Exchanges.JSON.readTree(body, 0, jsonLength);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw ApiException.badRequest("malformed JSON: " + e.getMessage());
    }
    return TreeReader.read(model.env(), model, json, new BinaryTail(body, jsonLength));
  }

  private static long rows(InferRequest request) {
    for (OnnxTensor t : request.inputs.values()) {
      long[] shape = t.getInfo().getShape();
      return shape.length == 0 ? 1 : shape[0];
    }
    return 0;
  }
}
