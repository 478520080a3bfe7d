package dev.kiln.modelserver;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import java.util.concurrent.TimeUnit;

/**
 * Every request's latency in a histogram labelled by route template (not path, so the label set
 * stays small), method and status, scraped in the Prometheus text format.
 */
final class RequestMetrics {
  private static final AttachmentKey<String> ROUTE = AttachmentKey.create(String.class);

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  /** Names the route an exchange took, for its latency label. */
  static void route(HttpServerExchange ex, String template) {
    ex.putAttachment(ROUTE, template);
  }

  HttpHandler timed(HttpHandler next) {
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

  String scrape() {
    return registry.scrape();
  }
}
