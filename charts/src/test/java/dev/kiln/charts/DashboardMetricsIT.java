package dev.kiln.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric the Grafana dashboard queries is one a real process exports: the operator (the
 * scrape its MetricsScrapeIT wrote after a run succeeded, a run failed, a report came in and a
 * ModelServer rolled out) and the reference model server (after it answered requests). Metrics from
 * elsewhere would be listed with their source; today there are none.
 */
class DashboardMetricsIT {
  static final Map<String, String> FROM_ELSEWHERE = Map.of();
  static final Path SCRAPE = Path.of("../operator/target/kiln-metrics-scrape.txt");
  static final Duration WAIT = Duration.ofSeconds(30);

  static {
    org.awaitility.Awaitility.ignoreExceptionsByDefault();
  }

  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path tmp;

  @Test
  void everyMetricTheDashboardQueriesIsExported() throws Exception {
    Set<String> queried = new TreeSet<>();
    DashboardQueries.expressions(DashboardQueries.rendered())
        .forEach(e -> queried.addAll(DashboardQueries.metricNames(e)));
    Set<String> exported = new TreeSet<>(DashboardQueries.exposed(operatorScrape()));
    exported.addAll(DashboardQueries.exposed(modelServerScrape()));

    Set<String> missing = new TreeSet<>(queried);
    missing.removeAll(exported);
    missing.removeAll(FROM_ELSEWHERE.keySet());
    assertThat(missing).as("queried by the dashboard but exported by no Kiln process").isEmpty();
    assertThat(queried).hasSizeGreaterThanOrEqualTo(12);
  }

  /**
   * The operator's scrape, taken by the operator's MetricsScrapeIT after a run succeeded, one
   * failed and a ModelServer rolled out.
   */
  private static String operatorScrape() throws Exception {
    assertThat(SCRAPE)
        .as("the operator's scrape; run ./mvnw -B -pl operator,charts -am verify")
        .exists();
    return Files.readString(SCRAPE);
  }

  private String modelServerScrape() throws Exception {
    // An unloadable model: the server still listens and answers health and /metrics.
    Files.write(tmp.resolve("model.onnx"), new byte[0]);
    dev.kiln.modelserver.ModelServer server =
        dev.kiln.modelserver.ModelServer.start(
            new String[] {"--model-dir", tmp.toString(), "--port", "0", "--host", "127.0.0.1"},
            Map.of("KILN_DRAIN_SECONDS", "1"));
    try {
      String base = "http://127.0.0.1:" + server.address().getPort();
      get(base + "/v2/health/live");
      await()
          .atMost(WAIT)
          .until(() -> get(base + "/metrics").contains("kiln_model_server_requests_seconds"));
      return get(base + "/metrics");
    } finally {
      server.close();
    }
  }

  private String get(String url) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
