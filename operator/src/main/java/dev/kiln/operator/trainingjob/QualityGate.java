package dev.kiln.operator.trainingjob;

import dev.kiln.api.v1alpha1.QualityGateRule;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Evaluates a quality gate on final metrics, naming the first check that fails. */
public final class QualityGate {
  private QualityGate() {}

  public static Optional<String> firstFailure(
      List<QualityGateRule> gate, Map<String, String> metrics) {
    for (QualityGateRule rule : gate) {
      String symbol = symbol(rule.getOp());
      String wanted = rule.getMetric() + " " + symbol + " " + plain(rule.getValue());
      String value = metrics == null ? null : metrics.get(rule.getMetric());
      if (value == null) {
        return Optional.of("metric " + rule.getMetric() + " was not reported; needed " + wanted);
      }
      int cmp;
      try {
        cmp = new BigDecimal(value).compareTo(BigDecimal.valueOf(rule.getValue()));
      } catch (NumberFormatException e) {
        return Optional.of("metric " + rule.getMetric() + "=" + value + " is not a number");
      }
      boolean ok =
          switch (rule.getOp()) {
            case GREATER_OR_EQUAL -> cmp >= 0;
            case GREATER -> cmp > 0;
            case LESS_OR_EQUAL -> cmp <= 0;
            case LESS -> cmp < 0;
          };
      if (!ok) {
        return Optional.of(rule.getMetric() + "=" + value + " does not meet " + wanted);
      }
    }
    return Optional.empty();
  }

  static String symbol(QualityGateRule.Operator op) {
    return switch (op) {
      case GREATER_OR_EQUAL -> ">=";
      case GREATER -> ">";
      case LESS_OR_EQUAL -> "<=";
      case LESS -> "<";
    };
  }

  private static String plain(Double d) {
    return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }
}
