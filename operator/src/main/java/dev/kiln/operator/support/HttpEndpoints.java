package dev.kiln.operator.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The operator's HTTP servers: the probes and metrics, and the trainers' report endpoint. The JDK's
 * HTTP server with a small fixed pool is enough for both: a few handlers, short requests, and no
 * dependency to keep up to date.
 */
public final class HttpEndpoints implements AutoCloseable {
  static {
    // Without TCP_NODELAY, small responses wait for delayed ACKs: ~40 ms per request.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;

  public HttpEndpoints(int port, int threads, String name, Map<String, HttpHandler> handlers)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 128);
    executor =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, name);
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    handlers.forEach(server::createContext);
    server.start();
  }

  /** /healthz (able to reconcile), /readyz (informers synced), /metrics (Prometheus). */
  public static HttpEndpoints probes(
      int port, BooleanSupplier live, BooleanSupplier ready, PrometheusMeterRegistry registry)
      throws IOException {
    Map<String, HttpHandler> handlers = new LinkedHashMap<>();
    handlers.put(
        "/healthz",
        ex -> {
          boolean ok = live.getAsBoolean();
          reply(ex, ok ? 200 : 503, "text/plain", ok ? "ok\n" : "cannot reconcile\n");
        });
    handlers.put(
        "/readyz",
        ex -> {
          boolean ok = ready.getAsBoolean();
          reply(ex, ok ? 200 : 503, "text/plain", ok ? "ready\n" : "not ready\n");
        });
    handlers.put(
        "/metrics",
        ex -> reply(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    return new HttpEndpoints(port, 2, "kiln-http", handlers);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(1);
    executor.shutdownNow();
  }

  private static void reply(HttpExchange ex, int code, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    boolean head = "HEAD".equals(ex.getRequestMethod());
    ex.sendResponseHeaders(code, head ? -1 : bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      if (!head) {
        out.write(bytes);
      }
    }
  }
}
