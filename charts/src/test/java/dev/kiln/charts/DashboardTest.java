package dev.kiln.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's shape: per-namespace filtering on every query, roll-out panels, durations as
 * quantiles of the operator's histograms (whose buckets fit each quantity: docs/operations.md) and
 * the operator's heap from its JVM metrics. That every metric exists is DashboardMetricsIT's job.
 */
class DashboardTest {
  private final JsonNode dashboard = DashboardQueries.rendered();

  @Test
  void metricNamesAreReadFromPromQl() {
    assertThat(
            DashboardQueries.metricNames(
                "sum by (result) (rate(a_sum{namespace=~\"$kiln\"}[1h])) / sum(rate(b_count[5m]))"))
        .containsExactly("a_sum", "b_count");
    assertThat(DashboardQueries.metricNames("label_values(kiln_trainingjobs, namespace)"))
        .containsExactly("kiln_trainingjobs");
    assertThat(
            DashboardQueries.metricNames(
                "histogram_quantile(0.95, sum by (namespace, le) (rate(x_bucket{a=\"b\"}[5m])))"))
        .containsExactly("x_bucket");
  }

  @Test
  void everyQueryFiltersByANamespaceVariable() {
    List<String> variables = new ArrayList<>();
    dashboard.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
    assertThat(variables).contains("datasource", "kiln", "namespace");
    dashboard
        .path("panels")
        .forEach(
            p ->
                p.path("targets")
                    .forEach(
                        t ->
                            assertThat(t.path("expr").asText())
                                .as(p.path("title").asText())
                                .containsAnyOf(
                                    "namespace=~\"$kiln\"", "namespace=~\"$namespace\"")));
  }

  @Test
  void durationsAreQuantilesOfTheOperatorsHistograms() {
    Set<String> quantiled = new TreeSet<>();
    for (String expr : DashboardQueries.expressions(dashboard)) {
      if (expr.contains("histogram_quantile")) {
        quantiled.addAll(DashboardQueries.metricNames(expr));
      }
    }
    assertThat(quantiled)
        .contains(
            "kiln_trainingjob_duration_seconds_bucket",
            "kiln_trainingjob_first_report_seconds_bucket",
            "kiln_modelserver_rollout_duration_seconds_bucket")
        .allMatch(name -> name.endsWith("_bucket"));
  }

  @Test
  void rollOutsAndModelServersHavePanels() {
    Set<String> all = new TreeSet<>();
    DashboardQueries.expressions(dashboard)
        .forEach(e -> all.addAll(DashboardQueries.metricNames(e)));
    assertThat(all)
        .contains(
            "kiln_modelserver_rollouts_total",
            "kiln_modelserver_rollout_duration_seconds_bucket",
            "kiln_model_server_requests_seconds_count");
  }

  @Test
  void theOperatorHeapComesFromItsJvmMetrics() {
    assertThat(panel("Operator heap (used, committed)").path("targets"))
        .extracting(t -> t.path("expr").asText())
        .allMatch(e -> e.contains("area=\"heap\""))
        .anyMatch(e -> e.contains("jvm_memory_used_bytes"));
  }

  private JsonNode panel(String title) {
    for (JsonNode p : dashboard.path("panels")) {
      if (p.path("title").asText().equals(title)) {
        return p;
      }
    }
    throw new AssertionError("no panel " + title);
  }
}
