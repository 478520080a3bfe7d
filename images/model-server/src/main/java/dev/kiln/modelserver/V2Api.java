package dev.kiln.modelserver;

import static dev.kiln.modelserver.Exchanges.JSON;
import static dev.kiln.modelserver.Exchanges.error;
import static dev.kiln.modelserver.Exchanges.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.Handlers;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The Open Inference Protocol (KServe v2) REST endpoints for the one model this server serves (also
 * under {@code /versions/1}), and {@code /metrics}. Each route is labelled by its template in the
 * request metrics. Every endpoint runs on the I/O thread; {@link RestInference} decides where an
 * inference runs.
 */
final class V2Api {
  private final Served served;
  private final RequestMetrics metrics;
  private final RestInference inference;

  V2Api(Served served, RequestMetrics metrics) {
    this.served = served;
    this.metrics = metrics;
    this.inference = new RestInference(served);
  }

  HttpHandler routes() {
    RoutingHandler routes =
        Handlers.routing()
            .get("/v2/health/live", route("/v2/health/live", this::live))
            .get("/v2/health/ready", route("/v2/health/ready", this::ready))
            .get("/v2", route("/v2", this::serverMetadata))
            .get("/metrics", route("/metrics", this::metrics));
    for (String base : List.of("/v2/models/{name}", "/v2/models/{name}/versions/{version}")) {
      routes
          .get(base, route(base, this::modelMetadata))
          .get(base + "/ready", route(base + "/ready", this::modelReady))
          .post(base + "/infer", route(base + "/infer", this::infer));
    }
    RequestMetrics.Route other = metrics.route("other");
    return routes
        .setFallbackHandler(
            Exchanges.route(
                other, ex -> error(ex, 404, "no such endpoint: " + ex.getRequestPath())))
        .setInvalidMethodHandler(
            Exchanges.route(
                other,
                ex ->
                    error(
                        ex,
                        405,
                        ex.getRequestMethod() + " is not allowed on " + ex.getRequestPath())));
  }

  private HttpHandler route(String template, Exchanges.Endpoint endpoint) {
    return Exchanges.route(metrics.route(template), endpoint);
  }

  private void live(HttpServerExchange ex) {
    json(ex, 200, JSON.createObjectNode().put("live", true));
  }

  private void ready(HttpServerExchange ex) {
    boolean isReady = served.ready().getAsBoolean();
    json(ex, isReady ? 200 : 503, JSON.createObjectNode().put("ready", isReady));
  }

  private void serverMetadata(HttpServerExchange ex) {
    ObjectNode node = JSON.createObjectNode();
    node.put("name", "kiln-model-server");
    node.put("version", KilnVersion.get());
    node.putArray("extensions").add("binary_tensor_data");
    json(ex, 200, node);
  }

  private void modelReady(HttpServerExchange ex) throws ApiException {
    checkName(ex);
    boolean isReady = served.ready().getAsBoolean();
    json(
        ex,
        isReady ? 200 : 503,
        JSON.createObjectNode().put("name", served.config().modelName()).put("ready", isReady));
  }

  private void modelMetadata(HttpServerExchange ex) throws ApiException {
    InferenceModel m = loadedModel(ex);
    ObjectNode node = JSON.createObjectNode();
    node.put("name", served.config().modelName());
    node.putArray("versions").add(ModelName.VERSION);
    node.put("platform", "onnx");
    node.set("inputs", specs(m.inputs()));
    node.set("outputs", specs(m.outputs()));
    json(ex, 200, node);
  }

  private void infer(HttpServerExchange ex) throws ApiException {
    inference.infer(ex, loadedModel(ex));
  }

  private void metrics(HttpServerExchange ex) {
    Exchanges.send(
        ex,
        200,
        "text/plain; version=0.0.4; charset=utf-8",
        metrics.scrape().getBytes(StandardCharsets.UTF_8));
  }

  private InferenceModel loadedModel(HttpServerExchange ex) throws ApiException {
    checkName(ex);
    return served.model().require(served.config().modelName());
  }

  private void checkName(HttpServerExchange ex) throws ApiException {
    var version = ex.getQueryParameters().get("version");
    ModelName.check(
        served.config().modelName(),
        ex.getQueryParameters().get("name").getFirst(),
        version == null ? null : version.getFirst());
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
