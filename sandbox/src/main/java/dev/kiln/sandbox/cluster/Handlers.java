package dev.kiln.sandbox.cluster;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.function.Consumer;

/** Informer event handlers from functions: one per kind of change. */
public final class Handlers {
  private Handlers() {}

  /** Calls {@code added}, {@code updated} (with the new object) or {@code deleted}. */
  public static <T> ResourceEventHandler<T> of(
      Consumer<T> added, Consumer<T> updated, Consumer<T> deleted) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T o) {
        added.accept(o);
      }

      @Override
      public void onUpdate(T old, T o) {
        updated.accept(o);
      }

      @Override
      public void onDelete(T o, boolean unknown) {
        deleted.accept(o);
      }
    };
  }

  /** Calls {@code changed} on every add, update and delete. */
  public static <T> ResourceEventHandler<T> onEveryChange(Consumer<T> changed) {
    return of(changed, changed, changed);
  }

  /** Does nothing: for the kinds of change a handler ignores. */
  public static <T> void ignore(T o) {}
}
