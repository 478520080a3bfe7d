package dev.kiln.operator.modelserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Model URIs and label selectors. */
class ModelLocationTest {
  @ParameterizedTest
  @CsvSource({
    "pvc://ws/model/model.onnx, ws, model",
    "pvc://ws/model, ws, model",
    "pvc://ws/model/, ws, model",
    "pvc://ws, ws, ''",
    "pvc://ws/model.onnx, ws, ''",
    "pvc://ws/a/b/v1.2/, ws, a/b/v1.2",
  })
  void claimAndFolder(String uri, String claim, String folder) {
    ModelLocation l = ModelLocation.of(uri);
    assertThat(l.onClaim()).isTrue();
    assertThat(l.claim()).contains(claim);
    assertThat(l.directoryInClaim()).isEqualTo(folder == null ? "" : folder);
  }

  @Test
  void remoteUrisAreNotOnAClaim() {
    assertThat(ModelLocation.of("s3://b/k/model.onnx").onClaim()).isFalse();
    assertThat(ModelLocation.of("https://h/m.onnx").onClaim()).isFalse();
  }

  @Test
  void labelSelectorsFollowKubernetesSemantics() {
    var labels = Map.of("app", "iris", "stage", "prod");
    assertThat(LabelSelectors.matches(new LabelSelectorBuilder().build(), labels)).isTrue();
    assertThat(LabelSelectors.matches(null, labels)).isFalse();
    assertThat(
            LabelSelectors.matches(
                new LabelSelectorBuilder().withMatchLabels(Map.of("app", "iris")).build(), labels))
        .isTrue();
    assertThat(
            LabelSelectors.matches(
                new LabelSelectorBuilder().withMatchLabels(Map.of("app", "x")).build(), labels))
        .isFalse();
    assertThat(LabelSelectors.matches(expr("stage", "NotIn", "dev"), labels)).isTrue();
    assertThat(LabelSelectors.matches(expr("stage", "In", "dev"), labels)).isFalse();
    assertThat(LabelSelectors.matches(expr("stage", "Exists"), labels)).isTrue();
    assertThat(LabelSelectors.matches(expr("team", "DoesNotExist"), labels)).isTrue();
    assertThat(LabelSelectors.matches(expr("team", "Exists"), labels)).isFalse();
  }

  private static io.fabric8.kubernetes.api.model.LabelSelector expr(
      String key, String op, String... values) {
    return new LabelSelectorBuilder()
        .withMatchExpressions(
            new LabelSelectorRequirementBuilder()
                .withKey(key)
                .withOperator(op)
                .withValues(values.length == 0 ? null : java.util.List.of(values))
                .build())
        .build();
  }
}
