package dev.kiln.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Argo CD and Flux render with {@code helm template} on every sync: the manifests must not change
 * between renders, so nothing random (the report key) may be rendered.
 */
class GitOpsRenderTest {
  @Test
  void renderingTwiceYieldsByteIdenticalManifests() {
    List<Map<String, Object>> valueSets =
        List.of(
            Map.of(),
            Map.of("crds.install", true, "dashboard.enabled", true),
            Map.of("reportKey.existingSecret", "my-key"));
    for (Path values : new Path[] {null, OperatorChartTest.HA, OperatorChartTest.NAMESPACED}) {
      for (Map<String, Object> set : valueSets) {
        String first = Charts.template(Charts.OPERATOR, values, set);
        String second = Charts.template(Charts.OPERATOR, values, set);
        assertThat(second).as("%s %s", values, set).isEqualTo(first);
      }
    }
    Path full = Charts.TRAINING.resolve("ci/full-values.yaml");
    assertThat(Charts.template(Charts.TRAINING, full, Map.of()))
        .isEqualTo(Charts.template(Charts.TRAINING, full, Map.of()));
  }

  @Test
  void theChartRendersNoKeyTheOperatorGetsOrCreatesItsSecret() {
    List<Map<String, Object>> docs = Charts.render(Charts.OPERATOR, null, Map.of());
    assertThat(Charts.ofKind(docs, "Secret")).as("no key in the manifests").isEmpty();
    assertThat(OperatorChartTest.env(docs))
        .containsEntry("KILN_REPORT_KEY_SECRET", "kiln-kiln-operator-report-key")
        .containsEntry("KILN_REPORT_KEY_CREATE", "true");
    assertThat(keyRules(docs))
        .containsExactly("get secrets [kiln-kiln-operator-report-key]", "create secrets []");
  }

  @Test
  void anExistingSecretIsReadNeverCreated() {
    List<Map<String, Object>> docs =
        Charts.render(Charts.OPERATOR, null, Map.of("reportKey.existingSecret", "team-key"));
    assertThat(OperatorChartTest.env(docs))
        .containsEntry("KILN_REPORT_KEY_SECRET", "team-key")
        .containsEntry("KILN_REPORT_KEY_CREATE", "false");
    assertThat(keyRules(docs)).containsExactly("get secrets [team-key]");
  }

  private static List<String> keyRules(List<Map<String, Object>> docs) {
    Map<String, Object> role =
        Charts.ofKind(docs, "Role").stream()
            .filter(r -> String.valueOf(Charts.at(r, "metadata", "name")).endsWith("-report-key"))
            .findFirst()
            .orElseThrow();
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rules = (List<Map<String, Object>>) role.get("rules");
    return rules.stream()
        .map(
            r ->
                String.join(",", OperatorChartTest.list(r.get("verbs")))
                    + " "
                    + String.join(",", OperatorChartTest.list(r.get("resources")))
                    + " "
                    + OperatorChartTest.list(r.get("resourceNames")))
        .toList();
  }
}
