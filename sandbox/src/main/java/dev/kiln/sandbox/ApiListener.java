package dev.kiln.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.fabric8.mockwebserver.vertx.HttpServerRequestHandler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox API server's address, the one in the kubeconfig: every request goes to the same
 * dispatchers as on the mock's own listener (with the mock's own request handler, WebSocket watches
 * included), except HTTP watches ({@code ?watch=true} without a WebSocket upgrade), which the mock
 * cannot stream and kubectl sends for {@code get -w}, {@code wait} and {@code rollout status}.
 * Those are answered as the API server answers them: a chunked stream of JSON events, one a line,
 * from the mock's watch; the objects that existed before the requested {@code resourceVersion} are
 * not sent again (the mock replays them as ADDED); each object is a Table row when kubectl asks for
 * tables; the stream ends after {@code timeoutSeconds} or when the client goes. Built on Vert.x,
 * the mock's own HTTP server. A workaround (docs/design.md#workarounds).
 */
final class ApiListener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ApiListener.class);
  private final Vertx vertx = Vertx.vertx();
  private final Dispatcher dispatcher;
  private final TableDispatcher tables;
  private final HttpServer server;
  // A closed watch's listener waits for its sender to stop: never on an event loop.
  private final ExecutorService closer =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "sandbox-api-watch-closer");
            t.setDaemon(true);
            return t;
          });

  /**
   * Listens on {@code address}:{@code port} (0: any free port).
   *
   * @throws IllegalStateException if it cannot listen there
   */
  ApiListener(Dispatcher dispatcher, TableDispatcher tables, InetAddress address, int port) {
    this.dispatcher = dispatcher;
    this.tables = tables;
    HttpServerRequestHandler mock =
        new HttpServerRequestHandler(vertx) {
          @Override
          protected MockResponse onHttpRequest(RecordedRequest request) {
            return dispatchSafely(request);
          }
        };
    HttpServer http =
        vertx.createHttpServer(
            new HttpServerOptions()
                .setHost(address.getHostAddress())
                .setPort(port)
                .setHandle100ContinueAutomatically(true));
    http.requestHandler(
        request -> {
          if (isHttpWatch(request)) {
            watch(request);
          } else {
            mock.handle(request);
          }
        });
    try {
      server = http.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      vertx.close();
      throw new IllegalStateException(
          "cannot listen on " + address.getHostAddress() + ":" + port + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      vertx.close();
      throw new IllegalStateException("interrupted while starting to listen", e);
    }
  }

  /**
   * The dispatchers' answer, or the API server's 500 for what threw: without an answer the client
   * would wait forever.
   */
  private MockResponse dispatchSafely(RecordedRequest request) {
    try {
      return dispatcher.dispatch(request);
    } catch (RuntimeException e) {
      log.warn("{} {}: {}", request.getMethod(), request.getPath(), e.toString());
      return StatusResponses.failure(500, "InternalError", "the sandbox API server failed: " + e);
    }
  }

  int port() {
    return server.actualPort();
  }

  private static boolean isHttpWatch(HttpServerRequest request) {
    if (!io.vertx.core.http.HttpMethod.GET.equals(request.method())
        || "websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
      return false;
    }
    return ApiPath.parse(request.uri()).map(ApiPath::isWatch).orElse(false);
  }

  private void watch(HttpServerRequest request) {
    RecordedRequest recorded =
        new RecordedRequest(
            "HTTP/1.1",
            HttpMethod.GET,
            request.uri(),
            Headers.builder().addAll(request.headers()).build(),
            new Buffer());
    ApiPath path = ApiPath.parse(request.uri()).orElseThrow();
    MockResponse answer = dispatchSafely(recorded);
    HttpServerResponse response = request.response();
    WebSocketListener listener = answer.getWebSocketListener();
    if (listener == null) {
      // Not a watch after all (an unknown resource, a refused selector): the answer as it is.
      response.setStatusCode(answer.code());
      answer.getHeaders().toMultimap().forEach(response.headers()::add);
      response.end(
          answer.getBody() == null
              ? io.vertx.core.buffer.Buffer.buffer()
              : io.vertx.core.buffer.Buffer.buffer(answer.getBody().getBytes()));
      return;
    }
    response.setStatusCode(200).setChunked(true).putHeader("Content-Type", "application/json");
    var unusedHead = response.writeHead();
    Stream stream =
        new Stream(
            recorded,
            response,
            resourceVersion(path),
            TableDispatcher.wantsTable(request.getHeader("Accept")) ? path.key() : null);
    Runnable close =
        () -> {
          if (stream.closed.compareAndSet(false, true)) {
            closer.execute(() -> listener.onClosed(stream, 1000, "watch closed"));
          }
        };
    response.closeHandler(v -> close.run());
    String timeout = path.query().get("timeoutSeconds");
    if (timeout != null && timeout.matches("[0-9]{1,9}") && Long.parseLong(timeout) > 0) {
      long unusedTimer =
          vertx.setTimer(
              TimeUnit.SECONDS.toMillis(Long.parseLong(timeout)),
              id -> {
                stream.end();
                close.run();
              });
    }
    listener.onOpen(stream, answer);
  }

  /** The resource version a watch starts after, or 0 for "now, with what exists as ADDED". */
  private static long resourceVersion(ApiPath path) {
    String rv = path.query().getOrDefault("resourceVersion", "");
    return rv.matches("[0-9]{1,18}") ? Long.parseLong(rv) : 0;
  }

  /** One HTTP watch, which the mock's watch listener sees as its WebSocket. */
  private final class Stream implements WebSocket {
    private final RecordedRequest request;
    private final HttpServerResponse response;
    private final long after;
    private final String tableOf;
    final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();

    Stream(RecordedRequest request, HttpServerResponse response, long after, String tableOf) {
      this.request = request;
      this.response = response;
      this.after = after;
      this.tableOf = tableOf;
    }

    @Override
    public RecordedRequest request() {
      return request;
    }

    @Override
    public boolean send(String text) {
      ObjectNode event = WatchEvents.read(text);
      if (event == null || ended.get()) {
        return false;
      }
      JsonNode object = event.path("object");
      if (after > 0
          && "ADDED".equals(event.path("type").asText())
          && object.path("metadata").path("resourceVersion").asLong(Long.MAX_VALUE) <= after) {
        return true; // listed before the watch began
      }
      if (tableOf != null) {
        String rv = object.path("metadata").path("resourceVersion").asText("");
        Optional<ObjectNode> table = tables.table(tableOf, List.of(object), rv);
        table.ifPresent(t -> event.set("object", t));
      }
      try {
        var unused = response.write(event + "\n");
        return true;
      } catch (IllegalStateException e) {
        return false; // the client has gone
      }
    }

    @Override
    public boolean send(byte[] bytes) {
      return send(new String(bytes, StandardCharsets.UTF_8));
    }

    @Override
    public boolean close(int code, String reason) {
      end();
      return true;
    }

    void end() {
      if (ended.compareAndSet(false, true)) {
        try {
          var unused = response.end();
        } catch (IllegalStateException e) {
          // already closed by the client
        }
      }
    }
  }

  @Override
  public void close() {
    try {
      server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // closing anyway
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    vertx.close();
    closer.shutdownNow();
  }
}
