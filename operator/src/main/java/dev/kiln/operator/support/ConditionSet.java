package dev.kiln.operator.support;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Conditions in the Kubernetes metav1.Condition shape. Setting a condition keeps its
 * lastTransitionTime unless its status flips, as kubectl and alerting rules expect.
 */
public final class ConditionSet {
  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String UNKNOWN = "Unknown";

  private final Map<String, Condition> byType = new LinkedHashMap<>();
  private final long generation;
  private final String now;

  public ConditionSet(List<Condition> existing, Long generation, Instant now) {
    if (existing != null) {
      existing.forEach(c -> byType.put(c.getType(), c));
    }
    this.generation = generation == null ? 0L : generation;
    this.now = Times.format(now);
  }

  public ConditionSet set(String type, boolean status, String reason, String message) {
    return set(type, status ? TRUE : FALSE, reason, message);
  }

  public ConditionSet set(String type, String status, String reason, String message) {
    Condition old = byType.get(type);
    String transition =
        old != null && status.equals(old.getStatus()) && old.getLastTransitionTime() != null
            ? old.getLastTransitionTime()
            : now;
    byType.put(
        type,
        new ConditionBuilder()
            .withType(type)
            .withStatus(status)
            .withReason(reason)
            .withMessage(message)
            .withObservedGeneration(generation)
            .withLastTransitionTime(transition)
            .build());
    return this;
  }

  public Optional<Condition> get(String type) {
    return Optional.ofNullable(byType.get(type));
  }

  public boolean isTrue(String type) {
    return get(type).map(c -> TRUE.equals(c.getStatus())).orElse(false);
  }

  /** The conditions in the order of the given types, then any others as they were. */
  public List<Condition> list(List<String> order) {
    List<Condition> result = new ArrayList<>();
    order.forEach(t -> get(t).ifPresent(result::add));
    byType.forEach(
        (type, c) -> {
          if (!order.contains(type)) {
            result.add(c);
          }
        });
    return result;
  }

  /** One condition of a list by type, for callers that only look (null list: none). */
  public static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions == null
        ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** Reads one condition's status from a list, for callers that only look. */
  public static boolean isTrue(List<Condition> conditions, String type) {
    return conditions != null
        && conditions.stream()
            .anyMatch(c -> type.equals(c.getType()) && TRUE.equals(c.getStatus()));
  }
}
