package dev.kiln.operator.modelserver;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Kubernetes label-selector semantics (matchLabels and matchExpressions), for cached objects. */
public final class LabelSelectors {
  private LabelSelectors() {}

  /**
   * True when the labels satisfy the selector. A null selector matches nothing; an empty one
   * matches everything, as in Kubernetes.
   */
  public static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    Map<String, String> l = labels == null ? Map.of() : labels;
    if (selector.getMatchLabels() != null) {
      for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
        if (!e.getValue().equals(l.get(e.getKey()))) {
          return false;
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
        if (!matches(r, l)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean matches(LabelSelectorRequirement r, Map<String, String> labels) {
    String value = labels.get(r.getKey());
    List<String> values = r.getValues() == null ? List.of() : r.getValues();
    return switch (r.getOperator() == null ? "" : r.getOperator()) {
      case "In" -> value != null && values.contains(value);
      case "NotIn" -> value == null || !values.contains(value);
      case "Exists" -> labels.containsKey(r.getKey());
      case "DoesNotExist" -> !labels.containsKey(r.getKey());
      default -> false;
    };
  }

  /** kubectl's form of a selector, for messages: app=iris,stage in (prod). */
  public static String describe(LabelSelector selector) {
    if (selector == null) {
      return "<none>";
    }
    StringBuilder sb = new StringBuilder();
    if (selector.getMatchLabels() != null) {
      sb.append(
          selector.getMatchLabels().entrySet().stream()
              .map(e -> e.getKey() + "=" + e.getValue())
              .collect(Collectors.joining(",")));
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
        if (sb.length() > 0) {
          sb.append(',');
        }
        String op = r.getOperator() == null ? "" : r.getOperator();
        switch (op) {
          case "Exists" -> sb.append(r.getKey());
          case "DoesNotExist" -> sb.append('!').append(r.getKey());
          default ->
              sb.append(r.getKey())
                  .append(' ')
                  .append(op.toLowerCase(Locale.ROOT))
                  .append(" (")
                  .append(String.join(",", r.getValues() == null ? List.of() : r.getValues()))
                  .append(')');
        }
      }
    }
    return sb.length() == 0 ? "<everything>" : sb.toString();
  }
}
