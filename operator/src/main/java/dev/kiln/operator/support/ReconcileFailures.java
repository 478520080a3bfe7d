package dev.kiln.operator.support;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a reconcile that threw becomes. API trouble that passes (an outage, a conflict, throttling)
 * is left to JOSDK's retry with backoff. Anything else — a refusal that stays (403 for missing
 * RBAC), a bug — would fail the same way on every retry: it becomes a {@value #TYPE} condition in
 * the resource's status, one log line when it first appears (or changes), and another try after a
 * delay that doubles from 5 s to 5 minutes, or on the next change. A reconcile that succeeds again
 * removes the condition. See docs/status.md.
 */
public final class ReconcileFailures {
  /** The condition type: True while the last reconcile failed. */
  public static final String TYPE = "ReconcileFailed";

  static final Duration FIRST_DELAY = Duration.ofSeconds(5);
  static final Duration LONGEST_DELAY = Duration.ofMinutes(5);
  private static final int MAX_MESSAGE = 512;
  private static final Set<Integer> TRANSIENT_CODES = Set.of(0, 408, 409, 429, 500, 502, 503, 504);
  private static final Logger log = LoggerFactory.getLogger(ReconcileFailures.class);

  /** How a failure is handled. */
  public record Verdict(boolean retryWithBackoff, Condition condition, Duration retryAfter) {}

  private record Streak(String message, int count) {}

  private final Map<ResourceID, Streak> streaks = new ConcurrentHashMap<>();
  private final Clock clock;

  public ReconcileFailures(Clock clock) {
    this.clock = clock;
  }

  /** True for API errors that pass by themselves and are worth JOSDK's quick retries. */
  static boolean isTransient(Exception e) {
    if (e instanceof KubernetesClientException k) {
      return TRANSIENT_CODES.contains(k.getCode()) || k.getCause() instanceof IOException;
    }
    return false;
  }

  /**
   * Records a failed reconcile of {@code resource}: the condition to show and when to try again, or
   * a verdict to leave it to JOSDK's retry.
   */
  public Verdict failed(HasMetadata resource, Exception thrown) {
    Exception e = apiError(thrown).orElse(thrown);
    if (isTransient(e)) {
      return new Verdict(true, null, null);
    }
    String message = describe(e);
    ResourceID id = ResourceID.fromResource(resource);
    Streak streak =
        streaks.compute(
            id,
            (k, was) ->
                new Streak(
                    message, was == null || !was.message().equals(message) ? 1 : was.count() + 1));
    Duration retryAfter = delay(streak.count());
    if (streak.count() == 1) {
      // One line: what and where; the stack trace is for debugging only.
      log.warn(
          "{} {}/{} could not be reconciled: {}; the status condition {} says so, next try in"
              + " {} s or on the next change",
          resource.getKind(),
          resource.getMetadata().getNamespace(),
          resource.getMetadata().getName(),
          message,
          TYPE,
          retryAfter.toSeconds());
    }
    log.debug("Reconcile of {} failed (attempt {})", id, streak.count(), thrown);
    Condition condition =
        new ConditionBuilder()
            .withType(TYPE)
            .withStatus(ConditionSet.TRUE)
            .withReason(reason(e))
            .withMessage(
                message
                    + ". Kiln tries again in "
                    + retryAfter.toSeconds()
                    + " s and on every change of this object")
            .withObservedGeneration(resource.getMetadata().getGeneration())
            .withLastTransitionTime(Times.format(clock.instant()))
            .build();
    return new Verdict(false, condition, retryAfter);
  }

  /**
   * What a reconciler answers JOSDK when a reconcile of {@code primary} threw: JOSDK's retry with
   * backoff for API trouble that passes; otherwise the {@value #TYPE} condition written into a copy
   * of the status (built by {@code empty} when there is none, its conditions read and set by {@code
   * conditions} and {@code setConditions}) and another try after the verdict's delay.
   */
  public <S, P extends CustomResource<?, S>> ErrorStatusUpdateControl<P> errorStatus(
      P primary,
      Context<P> context,
      Exception e,
      Supplier<S> empty,
      Function<S, List<Condition>> conditions,
      BiConsumer<S, List<Condition>> setConditions) {
    Verdict verdict = failed(primary, e);
    if (verdict.retryWithBackoff()) {
      return ErrorStatusUpdateControl.defaultErrorProcessing();
    }
    S previous = primary.getStatus();
    S status = previous == null ? empty.get() : Serialization.clone(previous);
    with(conditions.apply(status), verdict.condition())
        .ifPresent(
            now -> {
              setConditions.accept(status, now);
              StatusWriter.writeIfChanged(primary, previous, status, context);
            });
    return ErrorStatusUpdateControl.<P>noStatusUpdate()
        .withNoRetry()
        .rescheduleAfter(verdict.retryAfter());
  }

  /** A reconcile of {@code resource} succeeded: forget its failures, logging the recovery. */
  public void succeeded(HasMetadata resource) {
    Streak was = streaks.remove(ResourceID.fromResource(resource));
    if (was != null) {
      log.info(
          "{} {}/{} is reconciled again",
          resource.getKind(),
          resource.getMetadata().getNamespace(),
          resource.getMetadata().getName());
    }
  }

  /**
   * {@code conditions} with {@code failure} in place of an earlier one; empty when the list already
   * says the same (nothing to write).
   */
  public static Optional<List<Condition>> with(List<Condition> conditions, Condition failure) {
    List<Condition> now =
        conditions == null ? new ArrayList<>() : new ArrayList<>(without(conditions));
    Optional<Condition> same =
        ConditionSet.find(conditions, TYPE)
            .filter(
                c ->
                    Objects.equals(c.getReason(), failure.getReason())
                        && Objects.equals(c.getMessage(), failure.getMessage()));
    if (same.isPresent()) {
      return Optional.empty();
    }
    // Keep when it started failing: the transition time of a condition that stays True.
    ConditionSet.find(conditions, TYPE)
        .ifPresent(c -> failure.setLastTransitionTime(c.getLastTransitionTime()));
    now.add(failure);
    return Optional.of(now);
  }

  /**
   * {@code conditions} without a {@value #TYPE} condition: the same list when it has none (null
   * stays null), so a status that never failed is not changed.
   */
  public static List<Condition> without(List<Condition> conditions) {
    if (ConditionSet.find(conditions, TYPE).isEmpty()) {
      return conditions;
    }
    List<Condition> rest = new ArrayList<>(conditions);
    rest.removeIf(c -> TYPE.equals(c.getType()));
    return rest;
  }

  /** The API server's answer, where the client's exception is wrapped in another. */
  private static Optional<Exception> apiError(Throwable thrown) {
    for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof KubernetesClientException k) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  static Duration delay(int failures) {
    long seconds = FIRST_DELAY.toSeconds() << Math.min(failures - 1, 16);
    return Duration.ofSeconds(Math.min(seconds, LONGEST_DELAY.toSeconds()));
  }

  /** The API server's answer, or the exception's kind and text: scrubbed and bounded. */
  static String describe(Exception e) {
    String text;
    if (e instanceof KubernetesClientException k && k.getStatus() != null) {
      text =
          "the API server answered "
              + k.getCode()
              + " "
              + Objects.toString(k.getStatus().getReason(), "")
              + ": "
              + Objects.toString(k.getStatus().getMessage(), "");
    } else {
      text = e.getClass().getSimpleName() + ": " + Objects.toString(e.getMessage(), "");
    }
    String scrubbed = Scrubber.scrub(text.strip());
    return scrubbed.length() <= MAX_MESSAGE ? scrubbed : scrubbed.substring(0, MAX_MESSAGE) + "…";
  }

  private static String reason(Exception e) {
    if (e instanceof KubernetesClientException k
        && k.getStatus() != null
        && k.getStatus().getReason() != null
        && k.getStatus().getReason().matches("[A-Za-z]{1,64}")) {
      return k.getStatus().getReason();
    }
    return "InternalError";
  }
}
