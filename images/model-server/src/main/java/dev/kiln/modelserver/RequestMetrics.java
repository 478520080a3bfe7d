package dev.kiln.modelserver;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HttpString;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Every request's latency in a histogram labelled by route template (not path, so the label set
 * stays small), method and status, scraped in the Prometheus text format. The buckets span what
 * this server's latency needs, 100 µs to 10 s, and each route keeps its timers, so recording one
 * request looks a timer up without building a meter id.
 */
final class RequestMetrics {
  static final Duration[] BUCKETS = {
    Duration.ofNanos(100_000),
    Duration.ofNanos(250_000),
    Duration.ofNanos(500_000),
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(10)
  };
  private static final AttachmentKey<Route> ROUTE = AttachmentKey.create(Route.class);

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Route other = route("other");

  /** One route template's timers, by method and status. */
  final class Route {
    private final String template;
    private final Map<HttpString, Map<Integer, Timer>> timers = new ConcurrentHashMap<>();

    private Route(String template) {
      this.template = template;
    }

    /** Names the route an exchange took, for its latency label. */
    void mark(HttpServerExchange ex) {
      ex.putAttachment(ROUTE, this);
    }

    private Timer timer(HttpString method, int status) {
      return timers
          .computeIfAbsent(method, m -> new ConcurrentHashMap<>())
          .computeIfAbsent(
              status,
              s ->
                  Timer.builder("kiln.model.server.requests")
                      .description("HTTP request latency")
                      .tag("route", template)
                      .tag("method", method.toString())
                      .tag("status", String.valueOf(s))
                      .serviceLevelObjectives(BUCKETS)
                      .register(registry));
    }
  }

  Route route(String template) {
    return new Route(template);
  }

  PrometheusMeterRegistry registry() {
    return registry;
  }

  HttpHandler timed(HttpHandler next) {
    return ex -> {
      long start = System.nanoTime();
      ex.addExchangeCompleteListener(
          (done, nextListener) -> {
            Route route = done.getAttachment(ROUTE);
            (route == null ? other : route)
                .timer(done.getRequestMethod(), done.getStatusCode())
                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            nextListener.proceed();
          });
      next.handleRequest(ex);
    };
  }

  String scrape() {
    return registry.scrape();
  }
}
