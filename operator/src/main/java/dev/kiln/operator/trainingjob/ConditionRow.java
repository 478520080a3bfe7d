package dev.kiln.operator.trainingjob;

import dev.kiln.operator.support.ConditionSet;

/** One row of the conditions table: a condition's type, status, reason and message. */
record ConditionRow(String type, String status, String reason, String message) {
  static ConditionRow of(String type, boolean status, String reason, String message) {
    return new ConditionRow(type, status ? ConditionSet.TRUE : ConditionSet.FALSE, reason, message);
  }

  void applyTo(ConditionSet conditions) {
    conditions.set(type, status, reason, message);
  }
}
