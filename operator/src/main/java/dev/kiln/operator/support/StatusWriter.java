package dev.kiln.operator.support;

import dev.kiln.api.v1alpha1.ReadTolerantly;
import dev.kiln.api.v1alpha1.UnknownFields;
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

  /**
   * Writes {@code status} unless it equals {@code previous}; true when it wrote. Fields of {@code
   * previous} this version does not know (a newer operator's, another tool's) are carried over, so
   * the replace does not erase them and their presence alone never causes a write. A status that
   * could not be read ({@link UnreadableStatus}) is never replaced: nothing is written, and a write
   * that finds one on a conflict's re-read throws instead.
   */
  public static <S, P extends CustomResource<?, S>> boolean writeIfChanged(
      P primary, S previous, S status, Context<P> context) {
    if (ReadTolerantly.isUnreadable(previous) || ReadTolerantly.isUnreadable(status)) {
      return false;
    }
    keepUnknownFields(previous, status);
    if (Objects.equals(previous, status)) {
      return false;
    }
    PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(
        primary,
        context,
        fresh -> {
          if (ReadTolerantly.isUnreadable(fresh.getStatus())) {
            throw new IllegalStateException(
                "the status became unreadable meanwhile; it is not replaced");
          }
          keepUnknownFields(fresh.getStatus(), status);
          fresh.setStatus(status);
          return fresh;
        });
    return true;
  }

  private static void keepUnknownFields(Object from, Object to) {
    if (from instanceof UnknownFields kept && to instanceof UnknownFields next) {
      UnknownFields.keep(kept, next);
    }
  }
}
