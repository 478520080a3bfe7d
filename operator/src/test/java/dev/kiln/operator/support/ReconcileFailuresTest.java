package dev.kiln.operator.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReconcileFailuresTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-02T12:00:00Z"), ZoneOffset.UTC);
  private final ReconcileFailures failures = new ReconcileFailures(CLOCK);
  private final ConfigMap resource =
      new ConfigMapBuilder()
          .withNewMetadata()
          .withName("iris")
          .withNamespace("ml")
          .endMetadata()
          .build();

  private static KubernetesClientException api(int code, String reason, String message) {
    return new KubernetesClientException(
        new StatusBuilder().withCode(code).withReason(reason).withMessage(message).build());
  }

  @Test
  void apiTroubleThatPassesIsLeftToTheQuickRetries() {
    for (int code : new int[] {409, 429, 500, 503}) {
      assertThat(failures.failed(resource, api(code, "x", "y")).retryWithBackoff())
          .as("" + code)
          .isTrue();
    }
    assertThat(
            failures
                .failed(resource, new KubernetesClientException("down", new IOException("reset")))
                .retryWithBackoff())
        .isTrue();
  }

  @Test
  void aFailureThatStaysIsRetriedAfterDoublingDelaysUpToFiveMinutes() {
    List<Duration> delays = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      delays.add(failures.failed(resource, api(403, "Forbidden", "no")).retryAfter());
    }
    assertThat(delays)
        .extracting(Duration::toSeconds)
        .containsExactly(5L, 10L, 20L, 40L, 80L, 160L, 300L, 300L, 300L);
    // A success starts the count again.
    failures.succeeded(resource);
    assertThat(failures.failed(resource, api(403, "Forbidden", "no")).retryAfter())
        .isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void aBugBecomesAnInternalErrorConditionWithAScrubbedBoundedMessage() {
    Condition c =
        failures
            .failed(resource, new IllegalStateException("token=hunter2 " + "x".repeat(2000)))
            .condition();
    assertThat(c.getType()).isEqualTo(ReconcileFailures.TYPE);
    assertThat(c.getReason()).isEqualTo("InternalError");
    assertThat(c.getMessage())
        .startsWith("IllegalStateException: token=[redacted]")
        .doesNotContain("hunter2");
    assertThat(c.getMessage().length()).isLessThan(600);
  }

  @Test
  void theConditionReplacesAnEarlierOneAndIsNotRewrittenWhenUnchanged() {
    Condition accepted =
        new ConditionBuilder().withType("Accepted").withStatus("True").withReason("Valid").build();
    Condition first = failures.failed(resource, api(403, "Forbidden", "no")).condition();
    List<Condition> once = ReconcileFailures.with(List.of(accepted), first).orElseThrow();
    assertThat(once)
        .extracting(Condition::getType)
        .containsExactly("Accepted", ReconcileFailures.TYPE);

    // The same failure again (a later delay changes the message's retry figure).
    ReconcileFailures quiet = new ReconcileFailures(CLOCK);
    Condition same = quiet.failed(resource, api(403, "Forbidden", "no")).condition();
    assertThat(ReconcileFailures.with(once, same)).isEmpty();

    assertThat(ReconcileFailures.without(once)).containsExactly(accepted);
    List<Condition> untouched = List.of(accepted);
    assertThat(ReconcileFailures.without(untouched)).isSameAs(untouched);
  }
}
