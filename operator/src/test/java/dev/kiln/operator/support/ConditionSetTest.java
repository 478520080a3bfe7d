package dev.kiln.operator.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Conditions as kubectl and alerting rules read them: the transition time moves only on a flip. */
class ConditionSetTest {
  private static final Instant EARLIER = Instant.parse("2026-01-01T08:00:00Z");
  private static final Instant NOW = Instant.parse("2026-01-01T09:30:15.700Z");

  private static Condition existing(String type, String status, String reason) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage("old message")
        .withObservedGeneration(1L)
        .withLastTransitionTime("2026-01-01T08:00:00Z")
        .build();
  }

  @Test
  void aNewConditionTransitionsNowAtSecondPrecision() {
    Condition c =
        new ConditionSet(null, 3L, NOW)
            .set("Running", true, "Training", "epoch 1")
            .get("Running")
            .orElseThrow();

    assertThat(c.getStatus()).isEqualTo("True");
    assertThat(c.getReason()).isEqualTo("Training");
    assertThat(c.getMessage()).isEqualTo("epoch 1");
    assertThat(c.getObservedGeneration()).isEqualTo(3L);
    assertThat(c.getLastTransitionTime()).isEqualTo("2026-01-01T09:30:15Z");
  }

  @Test
  void theTransitionTimeIsKeptWhenTheStatusStaysEvenIfReasonAndMessageChange() {
    ConditionSet set =
        new ConditionSet(List.of(existing("Running", "True", "PodsStarting")), 2L, NOW);

    Condition c =
        set.set("Running", true, "Training", "epoch 3 of 10").get("Running").orElseThrow();

    assertThat(c.getLastTransitionTime()).isEqualTo("2026-01-01T08:00:00Z");
    assertThat(c.getReason()).isEqualTo("Training");
    assertThat(c.getMessage()).isEqualTo("epoch 3 of 10");
    assertThat(c.getObservedGeneration()).isEqualTo(2L);
  }

  @Test
  void theTransitionTimeMovesWhenTheStatusFlips() {
    ConditionSet set = new ConditionSet(List.of(existing("Running", "True", "Training")), 2L, NOW);

    Condition c = set.set("Running", false, "Completed", "done").get("Running").orElseThrow();

    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getLastTransitionTime()).isEqualTo("2026-01-01T09:30:15Z");
  }

  @Test
  void aFlipToUnknownAlsoMovesTheTransitionTime() {
    ConditionSet set =
        new ConditionSet(List.of(existing("Stalled", "False", "Reporting")), 1L, NOW);

    assertThat(
            set.set("Stalled", ConditionSet.UNKNOWN, "NoReports", "")
                .get("Stalled")
                .orElseThrow()
                .getLastTransitionTime())
        .isEqualTo("2026-01-01T09:30:15Z");
  }

  @Test
  void anExistingConditionWithoutATransitionTimeGetsOne() {
    Condition old = existing("Accepted", "True", "Valid");
    old.setLastTransitionTime(null);

    assertThat(
            new ConditionSet(List.of(old), 1L, NOW)
                .set("Accepted", true, "Valid", "ok")
                .get("Accepted")
                .orElseThrow()
                .getLastTransitionTime())
        .isEqualTo("2026-01-01T09:30:15Z");
  }

  @Test
  void settingTwiceInOneReconcileKeepsTheFirstTransition() {
    ConditionSet set = new ConditionSet(List.of(existing("Failed", "False", "NoFailure")), 1L, NOW);

    set.set("Failed", true, "OOMKilled", "out of memory");
    Condition c =
        set.set("Failed", true, "OOMKilled", "out of memory (exit 137)")
            .get("Failed")
            .orElseThrow();

    assertThat(c.getLastTransitionTime()).isEqualTo("2026-01-01T09:30:15Z");
    assertThat(c.getMessage()).isEqualTo("out of memory (exit 137)");
  }

  @Test
  void listGivesTheRequestedOrderThenOthersAsTheyWere() {
    ConditionSet set =
        new ConditionSet(
            List.of(
                existing("Custom", "True", "X"),
                existing("Succeeded", "False", "Running"),
                existing("Legacy", "False", "Y")),
            1L,
            NOW);
    set.set("Running", true, "Training", "");
    set.set("Accepted", true, "Valid", "");

    assertThat(set.list(List.of("Accepted", "Running", "Succeeded", "Failed")))
        .extracting(Condition::getType)
        .containsExactly("Accepted", "Running", "Succeeded", "Custom", "Legacy");
  }

  @Test
  void isTrueReadsTheStatus() {
    ConditionSet set =
        new ConditionSet(
            List.of(existing("Accepted", "True", "Valid"), existing("Stalled", "False", "Ok")),
            1L,
            EARLIER);

    assertThat(set.isTrue("Accepted")).isTrue();
    assertThat(set.isTrue("Stalled")).isFalse();
    assertThat(set.isTrue("Missing")).isFalse();
    List<Condition> listed = set.list(List.of());
    assertThat(ConditionSet.isTrue(listed, "Accepted")).isTrue();
    assertThat(ConditionSet.isTrue(listed, "Stalled")).isFalse();
    assertThat(ConditionSet.isTrue(null, "Accepted")).isFalse();
  }
}
