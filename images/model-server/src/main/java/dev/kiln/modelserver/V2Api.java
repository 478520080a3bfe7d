package dev.kiln.modelserver;

import static dev.kiln.modelserver.Exchanges.JSON;
import static dev.kiln.modelserver.Exchanges.error;
import static dev.kiln.modelserver.Exchanges.json;
import static dev.kiln.modelserver.Exchanges.route;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.Handlers;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The Open Inference Protocol (KServe v2) REST endpoints for the one model this server serves, and
 * {@code /metrics}. Each route is labelled by its template in the request metrics.
 */
final class V2Api {
  private final ServerConfig config;
  private final LoadingModel model;
  private final BooleanSupplier ready;
  private final RequestMetrics metrics;

  V2Api(ServerConfig config, LoadingModel model, BooleanSupplier ready, RequestMetrics metrics) {
    this.config = config;
    this.model = model;
    this.ready = ready;
    this.metrics = metrics;
  }

  HttpHandler routes() {
    return Handlers.routing()
        .get("/v2/health/live", route("/v2/health/live", this::live))
        .get("/v2/health/ready", route("/v2/health/ready", this::ready))
        .get("/v2", route("/v2", this::serverMetadata))
        .get("/v2/models/{name}", route("/v2/models/{name}", this::modelMetadata))
        .get("/v2/models/{name}/ready", route("/v2/models/{name}/ready", this::modelReady))
        .post("/v2/models/{name}/infer", route("/v2/models/{name}/infer", this::infer))
        .get("/metrics", route("/metrics", this::metrics))
        .setFallbackHandler(
            route("other", ex -> error(ex, 404, "no such endpoint: " + ex.getRequestPath())))
        .setInvalidMethodHandler(
            route(
                "other",
                ex ->
                    error(
                        ex,
                        405,
                        ex.getRequestMethod() + " is not allowed on " + ex.getRequestPath())));
  }

  private void live(HttpServerExchange ex) {
    json(ex, 200, JSON.createObjectNode().put("live", true));
  }

  private void ready(HttpServerExchange ex) {
    boolean isReady = ready.getAsBoolean();
    json(ex, isReady ? 200 : 503, JSON.createObjectNode().put("ready", isReady));
  }

  private void serverMetadata(HttpServerExchange ex) {
    ObjectNode node = JSON.createObjectNode();
    node.put("name", "kiln-model-server");
    node.put("version", KilnVersion.get());
    node.putArray("extensions");
    json(ex, 200, node);
  }

  private void modelReady(HttpServerExchange ex) throws ApiException {
    checkName(ex);
    boolean isReady = ready.getAsBoolean();
    json(
        ex,
        isReady ? 200 : 503,
        JSON.createObjectNode().put("name", config.modelName()).put("ready", isReady));
  }

  private void modelMetadata(HttpServerExchange ex) throws ApiException {
    InferenceModel m = loadedModel(ex);
    ObjectNode node = JSON.createObjectNode();
    node.put("name", config.modelName());
    node.putArray("versions").add("1");
    node.put("platform", "onnx");
    node.set("inputs", specs(m.inputs()));
    node.set("outputs", specs(m.outputs()));
    json(ex, 200, node);
  }

  private void infer(HttpServerExchange ex) throws Exception {
    InferenceModel m = loadedModel(ex);
    byte[] body;
    try {
      body = ex.getInputStream().readAllBytes();
    } catch (IOException e) {
      throw new ApiException(
          413, "request body larger than " + config.maxRequestBytes() + " bytes");
    }
    JsonNode request;
    try {
      request = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("malformed JSON: " + e.getOriginalMessage());
    }
    json(ex, 200, m.infer(config.modelName(), request));
  }

  private void metrics(HttpServerExchange ex) {
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
    ex.getResponseSender().send(metrics.scrape(), StandardCharsets.UTF_8);
  }

  private InferenceModel loadedModel(HttpServerExchange ex) throws ApiException {
    checkName(ex);
    return model.require(config.modelName());
  }

  private void checkName(HttpServerExchange ex) throws ApiException {
    String name = ex.getQueryParameters().get("name").getFirst();
    if (!config.modelName().equals(name)) {
      throw new ApiException(
          404, "model '" + name + "' not found; this server serves '" + config.modelName() + "'");
    }
  }

  private static ArrayNode specs(List<TensorSpec> specs) {
    ArrayNode array = JSON.createArrayNode();
    for (TensorSpec s : specs) {
      ObjectNode node = array.addObject();
      node.put("name", s.name());
      node.put("datatype", s.datatype());
      ArrayNode shape = node.putArray("shape");
      for (long d : s.shape()) {
        shape.add(d);
      }
    }
    return array;
  }
}
