package dev.kiln.operator.trainingjob;

import static dev.kiln.api.v1alpha1.QualityGateRule.Operator.GREATER;
import static dev.kiln.api.v1alpha1.QualityGateRule.Operator.GREATER_OR_EQUAL;
import static dev.kiln.api.v1alpha1.QualityGateRule.Operator.LESS;
import static dev.kiln.api.v1alpha1.QualityGateRule.Operator.LESS_OR_EQUAL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.QualityGateRule;
import dev.kiln.api.v1alpha1.QualityGateRule.Operator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Whether a succeeded run's final metrics qualify its model, and why not. */
class QualityGateTest {
  private static QualityGateRule rule(String metric, Operator op, double value) {
    return new QualityGateRule(metric, op, value);
  }

  private static Optional<String> check(List<QualityGateRule> gate, Map<String, String> metrics) {
    return QualityGate.firstFailure(gate, metrics);
  }

  @Test
  void metricsThatMeetEveryRulePass() {
    assertThat(
            check(
                List.of(rule("accuracy", GREATER_OR_EQUAL, 0.95), rule("loss", LESS, 0.2)),
                Map.of("accuracy", "0.97", "loss", "0.05")))
        .isEmpty();
  }

  @Test
  void anEmptyGatePassesAnything() {
    assertThat(check(List.of(), Map.of())).isEmpty();
  }

  @ParameterizedTest(name = "{0} {1} {2} -> {3}")
  @CsvSource({
    "0.95, GREATER_OR_EQUAL, 0.95, true",
    "0.94, GREATER_OR_EQUAL, 0.95, false",
    "0.95, GREATER, 0.95, false",
    "0.96, GREATER, 0.95, true",
    "0.2, LESS_OR_EQUAL, 0.2, true",
    "0.21, LESS_OR_EQUAL, 0.2, false",
    "0.2, LESS, 0.2, false",
    "0.19, LESS, 0.2, true",
    // Decimal, not binary floating point: 0.1 meets >= 0.1 and 0.3 meets <= 0.3.
    "0.1, GREATER_OR_EQUAL, 0.1, true",
    "0.3, LESS_OR_EQUAL, 0.3, true",
    "0.00001, LESS, 1e-4, true",
  })
  void eachOperatorComparesAtItsBoundary(String metric, Operator op, double value, boolean ok) {
    assertThat(check(List.of(rule("m", op, value)), Map.of("m", metric)).isEmpty()).isEqualTo(ok);
  }

  @Test
  void aFailureNamesTheMetricItsValueAndTheRule() {
    assertThat(check(List.of(rule("accuracy", GREATER_OR_EQUAL, 0.95)), Map.of("accuracy", "0.9")))
        .hasValue("accuracy=0.9 does not meet accuracy >= 0.95");
  }

  @Test
  void theRuleValueIsShownAsAPlainDecimal() {
    assertThat(check(List.of(rule("loss", LESS, 1e-5)), Map.of("loss", "0.5")))
        .hasValue("loss=0.5 does not meet loss < 0.00001");
    assertThat(check(List.of(rule("f1", GREATER, 1.0)), Map.of("f1", "0.5")))
        .hasValue("f1=0.5 does not meet f1 > 1");
  }

  @Test
  void aMissingMetricFailsNamingIt() {
    assertThat(check(List.of(rule("f1", GREATER, 0.8)), Map.of("accuracy", "0.99")))
        .hasValueSatisfying(
            m -> assertThat(m).contains("f1").contains("not reported").contains("f1 > 0.8"));
    assertThat(check(List.of(rule("f1", GREATER, 0.8)), null))
        .hasValueSatisfying(m -> assertThat(m).contains("f1").contains("not reported"));
  }

  @Test
  void aNonNumericMetricFailsInsteadOfThrowing() {
    assertThat(check(List.of(rule("accuracy", GREATER, 0.8)), Map.of("accuracy", "high")))
        .hasValueSatisfying(m -> assertThat(m).contains("accuracy=high").contains("not a number"));
  }

  @Test
  void theFirstFailingRuleInOrderIsReported() {
    List<QualityGateRule> gate =
        List.of(
            rule("accuracy", GREATER_OR_EQUAL, 0.9),
            rule("loss", LESS, 0.1),
            rule("latency_ms", LESS_OR_EQUAL, 50));

    assertThat(check(gate, Map.of("accuracy", "0.95", "loss", "0.3", "latency_ms", "80")))
        .hasValueSatisfying(m -> assertThat(m).startsWith("loss=0.3"));
  }
}
