package dev.kiln.operator.modelserver;

import dev.kiln.operator.support.ConditionSet;

/** What one status condition says: its status, reason and message. */
record ConditionVerdict(boolean status, String reason, String message) {

  /** Sets the condition of the given type (keeping its transition time if the status holds). */
  void setOn(ConditionSet conditions, String type) {
    conditions.set(type, status, reason, message);
  }
}
