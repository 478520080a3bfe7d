package dev.kiln.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conventional keys platform teams expect (other operators' charts accept them), UID-free
 * defaults for platforms that assign UIDs, and what the schema rejects.
 */
class OperatorValuesTest {
  @TempDir Path tmp;

  @Test
  void byDefaultNoUidOrGroupIsSetAndThePodStaysRestricted() {
    List<Map<String, Object>> docs = Charts.render(Charts.OPERATOR, null, Map.of());
    String manifests = Charts.template(Charts.OPERATOR, null, Map.of());
    assertThat(manifests).doesNotContain("runAsUser", "runAsGroup", "fsGroup", "65532");
    Map<String, Object> pod = podSpec(docs);
    assertThat(Charts.map(pod.get("securityContext")))
        .containsEntry("runAsNonRoot", true)
        .containsEntry("seccompProfile", Map.of("type", "RuntimeDefault"));
    assertThat(RestrictedPodSecurity.violations(pod)).isEmpty();
    assertThat(OperatorChartTest.env(docs)).doesNotContainKeys("KILN_POD_RUN_AS_USER");
  }

  @Test
  void uidsAreSetOnlyWhereConfigured() {
    List<Map<String, Object>> docs =
        Charts.render(
            Charts.OPERATOR,
            null,
            Map.of(
                "podSecurityContext.runAsUser", 1000,
                "podSecurityContext.fsGroup", 2000,
                "workloadSecurityContext.runAsUser", 3000,
                "workloadSecurityContext.fsGroup", 4000));
    Map<String, Object> pod = podSpec(docs);
    assertThat(Charts.map(pod.get("securityContext")))
        .containsEntry("runAsUser", 1000)
        .containsEntry("fsGroup", 2000)
        .containsEntry("runAsNonRoot", true)
        .doesNotContainKey("runAsGroup");
    assertThat(RestrictedPodSecurity.violations(pod)).isEmpty();
    assertThat(OperatorChartTest.env(docs))
        .containsEntry("KILN_POD_RUN_AS_USER", "3000")
        .containsEntry("KILN_POD_FS_GROUP", "4000")
        .doesNotContainKey("KILN_POD_RUN_AS_GROUP");
  }

  @Test
  void conventionalKeysReachTheDeployment() {
    Map<String, Object> set = new LinkedHashMap<>();
    set.put("podAnnotations.example\\.com/owner", "ml-platform");
    set.put("podLabels.team", "ml-platform");
    set.put("extraEnv[0].name", "JAVA_TOOL_OPTIONS");
    set.put("extraEnv[0].value", "-XX:MaxRAMPercentage=75");
    set.put("nodeSelector.kubernetes\\.io/os", "linux");
    set.put("tolerations[0].key", "dedicated");
    set.put("tolerations[0].operator", "Exists");
    set.put(
        "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
            + ".nodeSelectorTerms[0].matchExpressions[0].key",
        "zone");
    set.put(
        "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
            + ".nodeSelectorTerms[0].matchExpressions[0].operator",
        "Exists");
    set.put("priorityClassName", "system-cluster-critical");
    List<Map<String, Object>> docs = Charts.render(Charts.OPERATOR, null, set);
    Map<String, Object> deployment = Charts.ofKind(docs, "Deployment").get(0);
    Map<String, Object> pod = podSpec(docs);
    assertThat(Charts.map(Charts.at(deployment, "spec", "template", "metadata", "annotations")))
        .containsEntry("example.com/owner", "ml-platform");
    assertThat(Charts.map(Charts.at(deployment, "spec", "template", "metadata", "labels")))
        .containsEntry("team", "ml-platform");
    assertThat(OperatorChartTest.env(docs))
        .containsEntry("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75");
    assertThat(Charts.map(pod.get("nodeSelector"))).containsEntry("kubernetes.io/os", "linux");
    assertThat(pod.get("tolerations").toString()).contains("dedicated");
    assertThat(pod.get("affinity").toString()).contains("zone");
    assertThat(pod.get("priorityClassName")).isEqualTo("system-cluster-critical");
  }

  @Test
  void nameOverridesRenameEveryObject() {
    List<Map<String, Object>> named =
        Charts.render(Charts.OPERATOR, null, Map.of("fullnameOverride", "kiln"));
    assertThat(Charts.ofKind(named, "Deployment").get(0))
        .extracting(d -> Charts.at(d, "metadata", "name"))
        .isEqualTo("kiln");
    assertThat(OperatorChartTest.env(named))
        .containsEntry("KILN_REPORT_URL", "http://kiln.kiln-system.svc:8081")
        .containsEntry("KILN_REPORT_KEY_SECRET", "kiln-report-key");
    List<Map<String, Object>> renamed =
        Charts.render(Charts.OPERATOR, null, Map.of("nameOverride", "ml"));
    Map<String, Object> deployment = Charts.ofKind(renamed, "Deployment").get(0);
    assertThat(Charts.at(deployment, "metadata", "name")).isEqualTo("kiln-ml");
    assertThat(Charts.map(Charts.at(deployment, "spec", "selector", "matchLabels")))
        .containsEntry("app.kubernetes.io/name", "ml");
  }

  @Test
  void wrongValuesFailNamingTheField() {
    assertThatThrownBy(
            () ->
                Charts.render(Charts.OPERATOR, null, Map.of("extraEnv[0].name", "KILN_HTTP_PORT")))
        .hasMessageContaining("extraEnv: KILN_HTTP_PORT is set by the chart");
    assertThatThrownBy(() -> Charts.render(Charts.OPERATOR, null, Map.of("extraEnv[0].nmae", "X")))
        .hasMessageContaining("/extraEnv/0");
    assertThatThrownBy(
            () -> Charts.render(Charts.OPERATOR, null, Map.of("podSecurityContext.runAsUser", -1)))
        .hasMessageContaining("/podSecurityContext/runAsUser");
    // The operator refuses KILN_POD_RUN_AS_USER=0 at start (its pods stay restricted): so does
    // the chart, before anything is installed.
    assertThatThrownBy(
            () ->
                Charts.render(
                    Charts.OPERATOR, null, Map.of("workloadSecurityContext.runAsUser", 0)))
        .hasMessageContaining("/workloadSecurityContext/runAsUser");
    assertThatThrownBy(
            () -> Charts.render(Charts.OPERATOR, null, Map.of("fullnameOverride", "Kiln_Ops")))
        .hasMessageContaining("/fullnameOverride");
    assertThatThrownBy(
            () -> Charts.render(Charts.OPERATOR, null, Map.of("podSecurityContext.runAsUsr", 1)))
        .hasMessageContaining("runAsUsr");
  }

  @Test
  void numbersMayBeStringsAsSetStringAndGitOpsToolsPassThem() throws Exception {
    Path values = tmp.resolve("strings.yaml");
    Files.writeString(
        values,
        "replicas: \"2\"\noperator:\n  reportRateLimit: \"20\"\nports:\n  http: \"9090\"\n");
    List<Map<String, Object>> docs = Charts.render(Charts.OPERATOR, values, Map.of());
    assertThat(OperatorChartTest.env(docs))
        .containsEntry("KILN_LEADER_ELECTION", "true")
        .containsEntry("KILN_REPORT_RATE_LIMIT", "20")
        .containsEntry("KILN_HTTP_PORT", "9090");
    assertThat(Charts.ofKind(docs, "PodDisruptionBudget")).hasSize(1);
    Files.writeString(values, "replicas: \"two\"\n");
    assertThatThrownBy(() -> Charts.render(Charts.OPERATOR, values, Map.of()))
        .hasMessageContaining("/replicas");
  }

  static Map<String, Object> podSpec(List<Map<String, Object>> docs) {
    return Charts.map(
        Charts.at(Charts.ofKind(docs, "Deployment").get(0), "spec", "template", "spec"));
  }
}
