package dev.kiln.operator.support;

import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import java.util.Objects;

/**
 * Writes a primary resource's status: a full replace of /status under optimistic locking, cached
 * for the next reconcile. Exact (fields can disappear, lists are replaced), and a conflict is
 * re-read and retried by JOSDK. The mock API server merges lists in merge patches where a real one
 * replaces them; a PUT behaves the same on both.
 */
public final class StatusWriter {
  private StatusWriter() {}

  /** Writes {@code status} unless it equals {@code previous}; true when it wrote. */
  public static <S, P extends CustomResource<?, S>> boolean writeIfChanged(
      P primary, S previous, S status, Context<P> context) {
    if (Objects.equals(previous, status)) {
      return false;
    }
    PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(
        primary,
        context,
        fresh -> {
          fresh.setStatus(status);
          return fresh;
        });
    return true;
  }
}
