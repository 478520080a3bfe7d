package dev.kiln.modelserver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.server.handlers.GracefulShutdownHandler;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Serves one ONNX model over the Open Inference Protocol (KServe v2) REST API, with Prometheus
 * metrics on {@code /metrics}. Live as soon as it listens; ready once the model is loaded and until
 * shutdown starts; on shutdown it stops taking requests and drains the ones in flight.
 */
public final class ModelServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AttachmentKey<String> ROUTE = AttachmentKey.create(String.class);
  private static final String VERSION = "0.1.0";

  private final ServerConfig config;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final CompletableFuture<InferenceModel> model = new CompletableFuture<>();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final GracefulShutdownHandler graceful;
  private final Undertow undertow;

  private ModelServer(ServerConfig config) {
    this.config = config;
    RoutingHandler routes =
        Handlers.routing()
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
    this.graceful = Handlers.gracefulShutdown(timed(new BlockingHandler(routes)));
    this.undertow =
        Undertow.builder()
            .addHttpListener(config.port(), config.host())
            .setWorkerThreads(config.workerThreads())
            .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, config.maxRequestBytes())
            .setHandler(graceful)
            .build();
  }

  /** Starts listening, then loads the model in the background; ready when it is loaded. */
  public static ModelServer start(String[] args, Map<String, String> env) {
    ServerConfig config = ServerConfig.from(args, env);
    Path file = config.modelFile();
    ModelServer server = new ModelServer(config);
    server.undertow.start();
    log("listening on " + server.address() + ", loading " + file);
    CompletableFuture.runAsync(
        () -> {
          try {
            long t0 = System.nanoTime();
            InferenceModel loaded = InferenceModel.load(file, config.intraOpThreads());
            server.model.complete(loaded);
            log(
                "model '"
                    + config.modelName()
                    + "' ready in "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)
                    + " ms: inputs "
                    + describe(loaded.inputs())
                    + ", outputs "
                    + describe(loaded.outputs()));
          } catch (Exception | Error e) {
            server.model.completeExceptionally(e);
            System.err.println("kiln-model-server: cannot load " + file + ": " + e.getMessage());
          }
        });
    return server;
  }

  public static void main(String[] args) {
    ModelServer server;
    try {
      server = start(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("kiln-model-server: " + e.getMessage());
      System.exit(2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "kiln-shutdown"));
    try {
      server.model.join();
    } catch (RuntimeException e) {
      // A model that cannot be loaded will never be ready: exit so the pod shows why.
      server.close();
      System.exit(1);
    }
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) undertow.getListenerInfo().get(0).getAddress();
  }

  public boolean isReady() {
    return model.isDone() && !model.isCompletedExceptionally() && !stopping.get();
  }

  /** Stops taking new requests (503), waits for in-flight ones up to the drain timeout, stops. */
  @Override
  public void close() {
    if (!stopping.compareAndSet(false, true)) {
      return;
    }
    log("shutting down: draining in-flight requests");
    graceful.shutdown();
    try {
      if (!graceful.awaitShutdown(config.drainTimeout().toMillis())) {
        log("drain timeout reached; stopping with requests in flight");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    undertow.stop();
    InferenceModel loaded = model.isCompletedExceptionally() ? null : model.getNow(null);
    if (loaded != null) {
      try {
        loaded.close();
      } catch (Exception e) {
        // closing at exit: nothing left to do
      }
    }
    log("stopped");
  }

  // --- handlers ---

  private void live(HttpServerExchange ex) {
    json(ex, 200, JSON.createObjectNode().put("live", true));
  }

  private void ready(HttpServerExchange ex) {
    boolean ready = isReady();
    json(ex, ready ? 200 : 503, JSON.createObjectNode().put("ready", ready));
  }

  private void serverMetadata(HttpServerExchange ex) {
    ObjectNode node = JSON.createObjectNode();
    node.put("name", "kiln-model-server");
    node.put("version", VERSION);
    node.putArray("extensions");
    json(ex, 200, node);
  }

  private void modelReady(HttpServerExchange ex) throws ApiException {
    checkName(ex);
    boolean ready = isReady();
    json(
        ex,
        ready ? 200 : 503,
        JSON.createObjectNode().put("name", config.modelName()).put("ready", ready));
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
    ex.getResponseSender().send(registry.scrape(), StandardCharsets.UTF_8);
  }

  // --- plumbing ---

  private InferenceModel loadedModel(HttpServerExchange ex) throws ApiException {
    checkName(ex);
    if (model.isCompletedExceptionally()) {
      throw new ApiException(503, "model '" + config.modelName() + "' failed to load");
    }
    InferenceModel m = model.getNow(null);
    if (m == null) {
      throw new ApiException(503, "model '" + config.modelName() + "' is still loading");
    }
    return m;
  }

  private void checkName(HttpServerExchange ex) throws ApiException {
    String name = ex.getQueryParameters().get("name").getFirst();
    if (!config.modelName().equals(name)) {
      throw new ApiException(
          404, "model '" + name + "' not found; this server serves '" + config.modelName() + "'");
    }
  }

  private static ArrayNode specs(java.util.List<InferenceModel.TensorSpec> specs) {
    ArrayNode array = JSON.createArrayNode();
    for (InferenceModel.TensorSpec s : specs) {
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

  private interface Handler {
    void handle(HttpServerExchange ex) throws Exception;
  }

  private static HttpHandler route(String template, Handler handler) {
    return ex -> {
      ex.putAttachment(ROUTE, template);
      try {
        handler.handle(ex);
      } catch (ApiException e) {
        error(ex, e.status, e.getMessage());
      } catch (Exception e) {
        System.err.println("kiln-model-server: " + template + " failed: " + e);
        error(ex, 500, "inference failed: " + e.getMessage());
      }
    };
  }

  /** Records every request's latency in a histogram labelled by route, method and status. */
  private HttpHandler timed(HttpHandler next) {
    return ex -> {
      long start = System.nanoTime();
      ex.addExchangeCompleteListener(
          (done, nextListener) -> {
            String route = done.getAttachment(ROUTE);
            Timer.builder("kiln.model.server.requests")
                .description("HTTP request latency")
                .tag("route", route == null ? "other" : route)
                .tag("method", done.getRequestMethod().toString())
                .tag("status", String.valueOf(done.getStatusCode()))
                .publishPercentileHistogram()
                .register(registry)
                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            nextListener.proceed();
          });
      next.handleRequest(ex);
    };
  }

  private static void error(HttpServerExchange ex, int status, String message) {
    json(ex, status, JSON.createObjectNode().put("error", message));
  }

  private static void json(HttpServerExchange ex, int status, JsonNode body) {
    ex.setStatusCode(status);
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    try {
      ex.getResponseSender().send(JSON.writeValueAsString(body), StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String describe(java.util.List<InferenceModel.TensorSpec> specs) {
    StringBuilder sb = new StringBuilder();
    for (InferenceModel.TensorSpec s : specs) {
      sb.append(s.name())
          .append(':')
          .append(s.datatype())
          .append(java.util.Arrays.toString(s.shape()))
          .append(' ');
    }
    return sb.toString().trim();
  }

  private static void log(String message) {
    System.out.println("kiln-model-server: " + message);
  }
}
