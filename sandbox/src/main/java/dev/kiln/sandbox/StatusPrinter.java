package dev.kiln.sandbox;

import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.sandbox.cluster.Handlers;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Prints, as they happen, each change of a TrainingJob's or ModelServer's {@link StatusLine} and
 * every Event Kiln records for them, with the seconds since the sandbox started. It reads the API
 * like any client would (informers), so what it prints is what {@code kubectl} would show.
 */
final class StatusPrinter implements AutoCloseable {
  private final PrintStream out;
  private final Instant start;
  private final Map<String, String> lastLine = new ConcurrentHashMap<>();
  private final Set<String> seenEvents = ConcurrentHashMap.newKeySet();
  private final List<SharedIndexInformer<?>> informers;

  StatusPrinter(KubernetesClient client, PrintStream out, Instant start) {
    this.out = out;
    this.start = start;
    informers =
        List.of(
            client
                .resources(TrainingJob.class)
                .inAnyNamespace()
                .inform(printing("trainingjob", StatusLine::of)),
            client
                .resources(ModelServer.class)
                .inAnyNamespace()
                .inform(printing("modelserver", StatusLine::of)),
            client.v1().events().inAnyNamespace().inform(events()));
  }

  private <T extends HasMetadata> ResourceEventHandler<T> printing(
      String kind, Function<T, String> describe) {
    Consumer<T> print =
        o -> {
          String name = kind + "/" + o.getMetadata().getName();
          String text = describe.apply(o);
          if (!text.equals(StatusLine.SUBMITTED) && !text.equals(lastLine.put(name, text))) {
            line(name, text);
          }
        };
    return Handlers.of(
        print,
        print,
        o -> {
          String name = kind + "/" + o.getMetadata().getName();
          lastLine.remove(name);
          line(name, "deleted");
        });
  }

  private ResourceEventHandler<Event> events() {
    return Handlers.of(this::event, Handlers::ignore, Handlers::ignore);
  }

  private void event(Event e) {
    var about = e.getInvolvedObject();
    if (about == null
        || !("TrainingJob".equals(about.getKind()) || "ModelServer".equals(about.getKind()))
        || !seenEvents.add(e.getMetadata().getUid())) {
      return;
    }
    line(
        about.getKind().toLowerCase(java.util.Locale.ROOT) + "/" + about.getName(),
        "event "
            + ("Warning".equals(e.getType()) ? "Warning " : "")
            + e.getReason()
            + ": "
            + e.getMessage());
  }

  private synchronized void line(String name, String text) {
    double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
    out.printf("%6.1fs  %-30s %s%n", seconds, name, text);
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }
}
