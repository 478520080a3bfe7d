package dev.kiln.operator.trainingjob;

import dev.kiln.api.v1alpha1.TrainingJobSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A run's metrics as the status shows them. Pure. */
final class RunMetrics {
  private RunMetrics() {}

  /** Newer values win; at most MAX_METRICS names are kept, the earliest ones first. */
  static Map<String, String> merge(Map<String, String> known, Map<String, String> newer) {
    if (newer == null || newer.isEmpty()) {
      return known;
    }
    Map<String, String> merged = new LinkedHashMap<>(known == null ? Map.of() : known);
    newer.forEach(
        (k, v) -> {
          if (merged.containsKey(k) || merged.size() < TerminationMessage.MAX_METRICS) {
            merged.put(k, v);
          }
        });
    return merged;
  }

  /** {@code name=value} of spec.keyMetric, else of the quality gate's first metric. */
  static Optional<String> keyMetric(TrainingJobSpec spec, Map<String, String> metrics) {
    String name = spec.getKeyMetric();
    if (name == null && spec.getQualityGate() != null && !spec.getQualityGate().isEmpty()) {
      name = spec.getQualityGate().get(0).getMetric();
    }
    if (name != null && metrics != null && metrics.containsKey(name)) {
      return Optional.of(name + "=" + metrics.get(name));
    }
    return Optional.empty();
  }
}
