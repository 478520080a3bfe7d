package dev.kiln.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the operator chart installs, read from `helm template`. */
class OperatorChartTest {
  static final Path HA = Charts.OPERATOR.resolve("ci/ha-values.yaml");
  static final Path NAMESPACED = Charts.OPERATOR.resolve("ci/namespaced-values.yaml");

  @Test
  void rbacHasNoWildcardsAndReadsNoSecretButItsReportKey() {
    for (Path values : new Path[] {null, HA, NAMESPACED}) {
      List<Map<String, Object>> docs = Charts.render(Charts.OPERATOR, values, Map.of());
      for (Map<String, Object> rule : rules(docs)) {
        List<String> groups = list(rule.get("apiGroups"));
        List<String> resources = list(rule.get("resources"));
        List<String> verbs = list(rule.get("verbs"));
        assertThat(groups).as("apiGroups %s", rule).doesNotContain("*");
        assertThat(resources).as("resources %s", rule).doesNotContain("*");
        assertThat(verbs).as("verbs %s", rule).doesNotContain("*");
        if (groups.contains("")
            && resources.contains("secrets")
            && !verbs.equals(List.of("create"))) {
          assertThat(verbs)
              .as("Secrets: create, or get of the report key only")
              .containsExactly("get");
          assertThat(list(rule.get("resourceNames")))
              .containsExactly("kiln-kiln-operator-report-key");
        }
      }
      Map<String, Object> keyRole =
          Charts.ofKind(docs, "Role").stream()
              .filter(r -> Charts.at(r, "metadata", "name").equals("kiln-kiln-operator-report-key"))
              .findFirst()
              .orElseThrow();
      assertThat(Charts.at(keyRole, "metadata", "namespace")).isEqualTo("kiln-system");
    }
  }

  @Test
  void namespacedModeRendersRolesInTheListedNamespacesAndNoClusterRole() {
    List<Map<String, Object>> docs = Charts.render(Charts.OPERATOR, NAMESPACED, Map.of());
    assertThat(Charts.ofKind(docs, "ClusterRoleBinding")).isEmpty();
    assertThat(Charts.ofKind(docs, "ClusterRole"))
        .as("only the users' aggregated roles, never bound to the operator")
        .extracting(r -> Charts.at(r, "metadata", "name"))
        .containsExactlyInAnyOrder("kiln-view", "kiln-edit", "kiln-admin");
    assertThat(Charts.ofKind(docs, "Role"))
        .extracting(
            r -> Charts.at(r, "metadata", "namespace") + "/" + Charts.at(r, "metadata", "name"))
        .containsExactlyInAnyOrder(
            "team-a/kiln-kiln-operator",
            "team-b/kiln-kiln-operator",
            "kiln-system/kiln-kiln-operator-report-key");
    assertThat(env(docs)).containsEntry("KILN_WATCH_NAMESPACES", "team-a,team-b");
  }

  @Test
  void everyPodTemplateMeetsTheRestrictedPodSecurityStandard() {
    for (Path values : new Path[] {null, HA, NAMESPACED}) {
      for (Map<String, Object> d : Charts.render(Charts.OPERATOR, values, Map.of())) {
        Object spec = Charts.at(d, "spec", "template", "spec");
        if (spec instanceof Map<?, ?> podSpec) {
          @SuppressWarnings("unchecked")
          List<String> violations = RestrictedPodSecurity.violations((Map<String, Object>) podSpec);
          assertThat(violations).as(d.get("kind") + " " + values).isEmpty();
          assertThat(Charts.at(podSpec, "containers"))
              .asString()
              .contains("readOnlyRootFilesystem=true");
        }
      }
    }
  }

  @Test
  void deploymentCarriesEveryOperatorSettingAndStandardLabels() {
    List<Map<String, Object>> docs =
        Charts.render(Charts.OPERATOR, null, Map.of("images.loader", "registry.example/loader:2"));
    Map<String, String> env = env(docs);
    assertThat(env)
        .containsEntry("KILN_LOADER_IMAGE", "registry.example/loader:2")
        .containsEntry("KILN_LEADER_ELECTION", "false")
        .containsEntry("KILN_REPORT_URL", "http://kiln-kiln-operator.kiln-system.svc:8081")
        .containsKeys(
            "KILN_MODEL_SERVER_IMAGE",
            "KILN_REPORT_KEY_SECRET",
            "KILN_LOG_FORMAT",
            "KILN_DEFAULT_WORKSPACE_SIZE",
            "KILN_DEFAULT_STARTUP_DEADLINE_SECONDS",
            "KILN_DEFAULT_BACKOFF_LIMIT",
            "KILN_RECONCILE_THREADS",
            "KILN_REPORT_INTERVAL_SECONDS",
            "KILN_REPORT_RATE_LIMIT",
            "KILN_HTTP_PORT",
            "KILN_REPORT_PORT");
    for (Map<String, Object> d : docs) {
      assertThat(Charts.map(Charts.at(d, "metadata", "labels")))
          .as(d.get("kind") + "")
          .containsKeys(
              "app.kubernetes.io/name",
              "app.kubernetes.io/instance",
              "app.kubernetes.io/managed-by",
              "app.kubernetes.io/part-of");
    }
    assertThat(Charts.ofKind(docs, "PodDisruptionBudget")).as("no PDB for one replica").isEmpty();
  }

  @Test
  void twoReplicasTurnOnLeaderElectionWithAPdbAndMonitoring() throws Exception {
    List<Map<String, Object>> docs = Charts.render(Charts.OPERATOR, HA, Map.of());
    assertThat(env(docs)).containsEntry("KILN_LEADER_ELECTION", "true");
    assertThat(Charts.ofKind(docs, "PodDisruptionBudget")).hasSize(1);
    assertThat(Charts.ofKind(docs, "ServiceMonitor")).hasSize(1);
    assertThat(Charts.ofKind(docs, "PodMonitor")).hasSize(1);
    assertThat(Charts.ofKind(docs, "NetworkPolicy")).hasSize(1);
    Map<String, Object> dashboard = Charts.ofKind(docs, "ConfigMap").get(0);
    String json = (String) Charts.at(dashboard, "data", "kiln.json");
    assertThat(json).contains("kiln_trainingjobs", "kiln_reports_total");
    assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).get("panels"))
        .hasSizeGreaterThanOrEqualTo(6);
  }

  @Test
  void theModelServerPodMonitorSelectsThePodsTheOperatorCreates() {
    dev.kiln.api.v1alpha1.ModelServer ms = new dev.kiln.api.v1alpha1.ModelServer();
    ms.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName("iris")
            .withNamespace("team-a")
            .build());
    Map<String, String> podLabels =
        dev.kiln.operator.modelserver.ModelServerNames.labels(
            ms, dev.kiln.operator.modelserver.ModelServerNames.SERVER);
    for (Path values : new Path[] {null, NAMESPACED}) {
      List<Map<String, Object>> monitors =
          Charts.ofKind(
              Charts.render(Charts.OPERATOR, values, Map.of("modelServerMonitor.enabled", true)),
              "PodMonitor");
      Map<String, Object> monitor = monitors.get(0);
      assertThat(podLabels)
          .containsAllEntriesOf(
              Charts.map(Charts.at(monitor, "spec", "selector", "matchLabels")).entrySet().stream()
                  .collect(
                      java.util.stream.Collectors.toMap(
                          e -> e.getKey(), e -> (String) e.getValue())));
      assertThat(Charts.at(monitor, "spec", "podMetricsEndpoints").toString())
          .contains("port=" + dev.kiln.operator.modelserver.ModelServerNames.PORT_NAME);
      assertThat(Charts.at(monitor, "spec", "namespaceSelector"))
          .isEqualTo(
              values == null
                  ? Map.of("any", true)
                  : Map.of("matchNames", List.of("team-a", "team-b")));
    }
  }

  @Test
  void invalidValuesFailWithTheSchemasMessage() {
    assertThatThrownBy(() -> Charts.render(Charts.OPERATOR, null, Map.of("replicas", 0)))
        .hasMessageContaining("/replicas");
    assertThatThrownBy(
            () -> Charts.render(Charts.OPERATOR, null, Map.of("operator.logFormat", "xml")))
        .hasMessageContaining("/operator/logFormat");
    assertThatThrownBy(
            () -> Charts.render(Charts.OPERATOR, null, Map.of("watchNamespaces[0]", "Team_A")))
        .hasMessageContaining("/watchNamespaces/0");
    assertThatThrownBy(() -> Charts.render(Charts.OPERATOR, null, Map.of("unknownValue", "x")))
        .hasMessageContaining("unknownValue");
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** The rules of the Roles and ClusterRoles bound to the operator's ServiceAccount. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> rules(List<Map<String, Object>> docs) {
    java.util.Set<String> bound = new java.util.HashSet<>();
    for (Map<String, Object> d : docs) {
      if (String.valueOf(d.get("kind")).endsWith("Binding")
          && String.valueOf(d.get("subjects"))
              .contains("kind=ServiceAccount, name=kiln-kiln-operator")) {
        bound.add(Charts.at(d, "roleRef", "kind") + "/" + Charts.at(d, "roleRef", "name"));
      }
    }
    return docs.stream()
        .filter(d -> bound.contains(d.get("kind") + "/" + Charts.at(d, "metadata", "name")))
        .flatMap(d -> ((List<Map<String, Object>>) d.get("rules")).stream())
        .toList();
  }

  @SuppressWarnings("unchecked")
  static List<String> list(Object o) {
    return o == null ? List.of() : (List<String>) o;
  }

  @SuppressWarnings("unchecked")
  static Map<String, String> env(List<Map<String, Object>> docs) {
    Map<String, Object> deployment = Charts.ofKind(docs, "Deployment").get(0);
    List<Map<String, Object>> containers =
        (List<Map<String, Object>>) Charts.at(deployment, "spec", "template", "spec", "containers");
    Map<String, String> env = new java.util.LinkedHashMap<>();
    for (Map<String, Object> e : (List<Map<String, Object>>) containers.get(0).get("env")) {
      if (e.get("value") != null) {
        env.put((String) e.get("name"), String.valueOf(e.get("value")));
      }
    }
    return env;
  }
}
