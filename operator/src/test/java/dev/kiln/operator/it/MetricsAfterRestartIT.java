package dev.kiln.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.operator.KilnOperator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Prometheus sees of an operator that restarted (issue 15, defect 5): alerts built with {@code
 * increase(...)} and {@code absent(...)} need every documented metric in the first scrape, zero for
 * each known label value, not only once something happened again; and the whole scrape, JOSDK's
 * families included, passes {@code promtool check metrics}.
 */
class MetricsAfterRestartIT {
  static final Duration WAIT = Duration.ofSeconds(30);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  static {
    org.awaitility.Awaitility.ignoreExceptionsByDefault();
  }

  private static KilnTestCluster cluster;
  private static KilnOperator operator;

  /** The restarted operator's first scrape, taken as soon as it is ready. */
  private static Exposition first;

  @BeforeAll
  static void failARunThenRestart() throws Exception {
    cluster = new KilnTestCluster();
    try (KilnOperator before = cluster.startOperator(Map.of())) {
      cluster.client().resource(TrainingJobs.basic("bad")).create();
      await().atMost(WAIT).until(() -> cluster.jobs().size() == 1);
      cluster.jobFinished("bad-1", "Failed", "BackoffLimitExceeded", 4, 0);
      await().atMost(WAIT).until(() -> cluster.phase("bad") == TrainingJobPhase.Failed);
      assertThat(before.registry().scrape())
          .contains("kiln_trainingjob_failures_total{reason=\"BackoffLimitExceeded\"} 1.0");
    }
    operator = cluster.startOperator(Map.of());
    await().atMost(WAIT).until(() -> status("/readyz") == 200);
    first = Exposition.parse(get("/metrics"));
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void everyDocumentedMetricIsInTheFirstScrape() {
    List<MetricsDoc.Metric> documented = MetricsDoc.metrics();
    assertThat(documented).extracting(MetricsDoc.Metric::name).contains("kiln_reports_total");
    Set<String> missing = new TreeSet<>();
    for (MetricsDoc.Metric m : documented) {
      String sample = m.type().equals("histogram") ? m.name() + "_count" : m.name();
      if (first.find(sample, Map.of()).isEmpty()) {
        missing.add(sample);
      }
      m.labelValues()
          .forEach(
              (label, values) ->
                  values.forEach(
                      v -> {
                        if (first.find(sample, Map.of(label, v)).isEmpty()) {
                          missing.add(sample + "{" + label + "=\"" + v + "\"}");
                        }
                      }));
    }
    assertThat(missing).as("documented in docs/operations.md#metrics, not scraped").isEmpty();
  }

  @Test
  void kilnsCountersAndHistogramsStartAtZero() {
    List<String> counted = new ArrayList<>();
    for (MetricsDoc.Metric m : MetricsDoc.metrics()) {
      if (m.name().startsWith("kiln_") && !m.type().equals("gauge")) {
        String sample = m.type().equals("histogram") ? m.name() + "_count" : m.name();
        first
            .find(sample, Map.of())
            .forEach(
                s -> {
                  counted.add(sample + s.labels());
                  assertThat(s.value()).as(sample + s.labels()).isZero();
                });
      }
    }
    assertThat(counted).as("Kiln's counters and histograms in the first scrape").isNotEmpty();
  }

  @Test
  void histogramBucketsAreTheDocumentedOnes() {
    for (MetricsDoc.Metric m : MetricsDoc.metrics()) {
      if (!m.type().equals("histogram")) {
        continue;
      }
      assertThat(m.buckets()).as("buckets of " + m.name() + " in the docs").isNotEmpty();
      Set<Double> scraped = new TreeSet<>();
      first.find(m.name() + "_bucket", Map.of()).forEach(s -> scraped.add(bound(s)));
      Set<Double> documented = new TreeSet<>();
      m.buckets().forEach(d -> documented.add(d.toMillis() / 1000.0));
      documented.add(Double.POSITIVE_INFINITY);
      assertThat(scraped).as("le of " + m.name()).isEqualTo(documented);
    }
  }

  @Test
  void promtoolFindsNothingToSayAboutTheWholeScrape() throws Exception {
    // Some JOSDK families appear with the first reconcile and the first event, Kiln's report
    // counters take a rejected report: lint them too.
    await()
        .atMost(WAIT)
        .until(() -> get("/metrics").contains("operator_sdk_reconciliations_started_total"));
    HttpResponse<String> rejected =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + operator.reportPort()
                            + "/v1/namespaces/"
                            + KilnTestCluster.NS
                            + "/trainingjobs/bad/report"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(rejected.statusCode()).isEqualTo(401);
    Promtool.assertClean(get("/metrics"));
  }

  @Test
  void theDocumentedAlertsAreValidRulesOnDocumentedMetrics(@TempDir Path tmp) throws Exception {
    String rules = MetricsDoc.alertRules();
    Set<String> documented = new TreeSet<>();
    MetricsDoc.metrics()
        .forEach(
            m -> {
              documented.add(m.name());
              if (m.type().equals("histogram")) {
                documented.addAll(List.of(m.name() + "_bucket", m.name() + "_count"));
                documented.add(m.name() + "_sum");
              }
            });
    Set<String> undocumented = new TreeSet<>();
    rules
        .lines()
        .map(String::trim)
        .filter(l -> l.startsWith("expr:"))
        .flatMap(l -> MetricsDoc.metricNames(l.substring(5)).stream())
        .filter(n -> !n.equals("up") && !n.startsWith("operator_sdk_"))
        .filter(n -> !documented.contains(n))
        .forEach(undocumented::add);
    assertThat(undocumented).as("read by an alert, not in docs/operations.md#metrics").isEmpty();
    Promtool.assertValidRules(rules, tmp);
  }

  private static double bound(Exposition.Sample bucket) {
    String le = bucket.labels().get("le");
    return le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
  }

  private static int status(String path) throws Exception {
    return send(path).statusCode();
  }

  private static String get(String path) throws Exception {
    return send(path).body();
  }

  private static HttpResponse<String> send(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + operator.httpPort() + path))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
