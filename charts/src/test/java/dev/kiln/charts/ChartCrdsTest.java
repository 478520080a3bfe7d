package dev.kiln.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The chart's CRDs are the generated ones (crd/*.yaml, kept by the crd module's CrdDriftTest) in
 * both places Helm takes them from: crds/ (install only) and, with crds.install, the templates that
 * helm upgrade updates.
 */
class ChartCrdsTest {
  static final List<String> CRDS = List.of("trainingjobs.kiln.dev", "modelservers.kiln.dev");
  static final String REGENERATE = "./mvnw -pl crd test -Dtest=CrdDriftTest -Dkiln.crd.update=true";

  @Test
  void crdsDirectoryHoldsTheGeneratedCrds() throws Exception {
    for (String crd : CRDS) {
      assertThat(Files.readString(Charts.OPERATOR.resolve("crds").resolve(crd + ".yaml")))
          .as(
              "charts/kiln-operator/crds/%s.yaml differs from crd/; regenerate: %s",
              crd, REGENERATE)
          .isEqualTo(Files.readString(Path.of("../crd").resolve(crd + ".yaml")));
    }
  }

  @Test
  void crdsInstallRendersTheGeneratedCrdsKeptAcrossUninstall() throws Exception {
    List<Map<String, Object>> rendered =
        Charts.ofKind(
            Charts.render(Charts.OPERATOR, null, Map.of("crds.install", true)),
            "CustomResourceDefinition");
    assertThat(rendered)
        .extracting(c -> Charts.at(c, "metadata", "name"))
        .containsExactlyInAnyOrderElementsOf(CRDS);
    for (Map<String, Object> crd : rendered) {
      String name = (String) Charts.at(crd, "metadata", "name");
      Map<String, Object> generated = Charts.read(Path.of("../crd", name + ".yaml"));
      Map<String, String> want = flatten(generated.get("spec"), "spec");
      Map<String, String> got = flatten(crd.get("spec"), "spec");
      List<String> differences = new ArrayList<>();
      for (String path : union(want.keySet(), got.keySet())) {
        if (!Objects.equals(want.get(path), got.get(path))) {
          differences.add(path + ": generated " + want.get(path) + ", rendered " + got.get(path));
        }
      }
      assertThat(differences)
          .as("%s as rendered by crds.install; regenerate: %s", name, REGENERATE)
          .isEmpty();
      assertThat(Charts.map(Charts.at(crd, "metadata", "annotations")))
          .containsEntry("helm.sh/resource-policy", "keep");
      assertThat(Charts.map(Charts.at(crd, "metadata", "labels")))
          .containsEntry("app.kubernetes.io/managed-by", "Helm");
    }
  }

  @Test
  void byDefaultHelmInstallsCrdsFromCrdsDirectoryOnlyAndKeepIsOptional() {
    assertThat(
            Charts.ofKind(
                Charts.render(Charts.OPERATOR, null, Map.of()), "CustomResourceDefinition"))
        .isEmpty();
    Map<String, Object> unkept =
        Charts.ofKind(
                Charts.render(
                    Charts.OPERATOR, null, Map.of("crds.install", true, "crds.keep", false)),
                "CustomResourceDefinition")
            .get(0);
    assertThat(Charts.map(Charts.at(unkept, "metadata", "annotations")))
        .doesNotContainKey("helm.sh/resource-policy");
  }

  /**
   * Leaf values by path, numbers compared by value: Helm's toYaml writes 1000.0 as 1000, which the
   * API server reads as the same number.
   */
  static Map<String, String> flatten(Object node, String path) {
    Map<String, String> leaves = new TreeMap<>();
    if ((node instanceof Map<?, ?> m && m.isEmpty())
        || (node instanceof List<?> l0 && l0.isEmpty())) {
      leaves.put(path, String.valueOf(node));
    } else if (node instanceof Map<?, ?> m) {
      m.forEach((k, v) -> leaves.putAll(flatten(v, path + "." + k)));
    } else if (node instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) {
        leaves.putAll(flatten(l.get(i), path + "[" + i + "]"));
      }
    } else if (node instanceof Number n) {
      leaves.put(path, new BigDecimal(n.toString()).stripTrailingZeros().toPlainString());
    } else {
      leaves.put(path, String.valueOf(node));
    }
    return leaves;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new TreeSet<>(a);
    all.addAll(b);
    return all;
  }
}
