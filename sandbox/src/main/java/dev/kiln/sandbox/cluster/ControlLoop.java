package dev.kiln.sandbox.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A controller's work queue: keys ({@code namespace/name}) are reconciled one at a time on one
 * thread, a key queued twice before its turn runs once, a failed reconcile is retried after a
 * second, and every key the informer knows is re-queued every second (deadlines and back-offs are
 * checked then).
 */
final class ControlLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlLoop.class);
  private final String name;
  private final Consumer<String> reconcile;
  private final Set<String> queued = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService executor;

  ControlLoop(String name, Consumer<String> reconcile) {
    this.name = name;
    this.reconcile = reconcile;
    this.executor = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named(name));
  }

  static String key(HasMetadata o) {
    return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }

  /** Queues the informer's objects on every change, and all of them every second. */
  <T extends HasMetadata> void watch(SharedIndexInformer<T> informer) {
    informer.addEventHandler(Handlers.onEveryChange(o -> enqueue(key(o))));
    var unused =
        executor.scheduleWithFixedDelay(
            () -> informer.getStore().listKeys().forEach(this::enqueue), 1, 1, TimeUnit.SECONDS);
  }

  void enqueue(String key) {
    if (!queued.add(key)) {
      return;
    }
    try {
      executor.execute(
          () -> {
            queued.remove(key);
            try {
              reconcile.accept(key);
            } catch (RuntimeException e) {
              log.warn("{}: {} failed, retrying: {}", name, key, e.toString());
              var unused =
                  executor.schedule(
                      () -> enqueue(key), Duration.ofSeconds(1).toMillis(), TimeUnit.MILLISECONDS);
            }
          });
    } catch (RejectedExecutionException e) {
      queued.remove(key); // closing
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
