package dev.kiln.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A namespace's view, edit and admin users get Kiln's kinds through the aggregated ClusterRoles,
 * decided the way the API server decides: the built-in role's aggregation selector picks the
 * rendered ClusterRoles by label, and a request is allowed when one of their rules matches.
 */
class AggregatedRolesTest {
  /** The built-in roles' aggregationRule selectors (Kubernetes bootstrap policy). */
  static final Map<String, String> BUILT_IN =
      Map.of(
          "view", "rbac.authorization.k8s.io/aggregate-to-view",
          "edit", "rbac.authorization.k8s.io/aggregate-to-edit",
          "admin", "rbac.authorization.k8s.io/aggregate-to-admin");

  private final List<Map<String, Object>> docs = Charts.render(Charts.OPERATOR, null, Map.of());

  @Test
  void anEditUserCreatesTrainingJobsAndReadsTheirStatusButCannotWriteIt() {
    List<Map<String, Object>> edit = aggregatedInto("edit");
    for (String kind : List.of("trainingjobs", "modelservers")) {
      for (String verb : List.of("create", "get", "list", "watch", "update", "patch", "delete")) {
        assertThat(allows(edit, verb, kind)).as("edit may %s %s", verb, kind).isTrue();
      }
      assertThat(allows(edit, "get", kind + "/status")).as("edit reads %s/status", kind).isTrue();
      for (String verb : List.of("update", "patch", "create")) {
        assertThat(allows(edit, verb, kind + "/status"))
            .as("edit may not %s %s/status", verb, kind)
            .isFalse();
      }
    }
  }

  @Test
  void aViewUserOnlyReadsAndAnAdminAlsoDeletesCollections() {
    List<Map<String, Object>> view = aggregatedInto("view");
    assertThat(allows(view, "get", "trainingjobs")).isTrue();
    assertThat(allows(view, "watch", "modelservers/status")).isTrue();
    for (String verb : List.of("create", "update", "patch", "delete")) {
      assertThat(allows(view, verb, "trainingjobs")).as("view may not %s", verb).isFalse();
    }
    List<Map<String, Object>> admin = aggregatedInto("admin");
    assertThat(allows(admin, "deletecollection", "trainingjobs")).isTrue();
    assertThat(allows(aggregatedInto("edit"), "deletecollection", "trainingjobs")).isFalse();
    assertThat(allows(admin, "update", "trainingjobs/status")).isFalse();
  }

  @Test
  void theRolesCanBeLeftOutForASecondInstallInTheSameCluster() {
    List<Map<String, Object>> without =
        Charts.render(Charts.OPERATOR, null, Map.of("aggregatedRoles.enabled", false));
    assertThat(Charts.ofKind(without, "ClusterRole"))
        .extracting(r -> Charts.at(r, "metadata", "name"))
        .containsExactly("kiln-kiln-operator");
  }

  /** The rules the built-in role gets from the rendered ClusterRoles. */
  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> aggregatedInto(String builtIn) {
    String label = BUILT_IN.get(builtIn);
    return Charts.ofKind(docs, "ClusterRole").stream()
        .filter(r -> "true".equals(Charts.map(Charts.at(r, "metadata", "labels")).get(label)))
        .flatMap(r -> ((List<Map<String, Object>>) r.get("rules")).stream())
        .toList();
  }

  /** RBAC's rule match for a kiln.dev request without a resource name. */
  static boolean allows(List<Map<String, Object>> rules, String verb, String resource) {
    return rules.stream()
        .anyMatch(
            r ->
                matches(r.get("apiGroups"), "kiln.dev")
                    && matches(r.get("resources"), resource)
                    && matches(r.get("verbs"), verb)
                    && OperatorChartTest.list(r.get("resourceNames")).isEmpty());
  }

  private static boolean matches(Object listed, String wanted) {
    List<String> values = OperatorChartTest.list(listed);
    return values.contains(wanted) || values.contains("*");
  }
}
