package dev.kiln.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's shape: per-namespace filtering on every query, roll-out panels, and no quantile
 * over the operator's histograms, whose buckets stop at 30 s (a p95 would read 30 s for any longer
 * run). That every metric exists is DashboardMetricsIT's job.
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
  void durationsOfTheOperatorAreNotQuantilesOfItsCappedBuckets() {
    for (String expr : DashboardQueries.expressions(dashboard)) {
      if (expr.contains("histogram_quantile")) {
        assertThat(DashboardQueries.metricNames(expr))
            .as(expr)
            .allMatch(name -> name.startsWith("kiln_model_server_"));
      }
    }
  }

  @Test
  void rollOutsAndModelServersHavePanels() {
    Set<String> all = new java.util.TreeSet<>();
    DashboardQueries.expressions(dashboard)
        .forEach(e -> all.addAll(DashboardQueries.metricNames(e)));
    assertThat(all)
        .contains(
            "kiln_modelserver_rollouts_total",
            "kiln_modelserver_rollout_duration_seconds_sum",
            "kiln_model_server_requests_seconds_count")
        .doesNotContain("jvm_memory_used_bytes");
  }
}
