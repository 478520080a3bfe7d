package dev.kiln.sandbox;

import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.ModelServerPhase;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One run of the sandbox command: applies a file of TrainingJobs and ModelServers, prints every
 * status change and Event until each TrainingJob has finished and each ModelServer is Ready, and
 * asks every ModelServer for a prediction.
 */
final class SandboxRun {
  private final PrintStream out;

  SandboxRun(PrintStream out) {
    this.out = out;
  }

  /** Applies the file, waits for its objects, asks each ModelServer; the exit code. */
  int run(Sandbox sandbox, Path file, byte[] yaml, Duration timeout, Instant start)
      throws InterruptedException {
    // The printer prints status changes for as long as it is open.
    try (StatusPrinter printer = new StatusPrinter(sandbox.client(), out, start)) {
      List<HasMetadata> applied = apply(sandbox.client(), file, yaml);
      int code = await(sandbox, applied, timeout);
      return code == 0 ? predict(sandbox, applied) : code;
    } catch (InvalidFile e) {
      out.println("sandbox: " + e.getMessage());
      return 2;
    } catch (KubernetesClientException e) {
      out.println("sandbox: " + e.getMessage());
      return 1;
    }
  }

  /** Creates every object of the file (in namespace {@code default} unless it names one). */
  private List<HasMetadata> apply(KubernetesClient client, Path file, byte[] yaml) {
    out.println("Applying " + file);
    List<HasMetadata> items;
    try {
      items = client.load(new ByteArrayInputStream(yaml)).items();
    } catch (RuntimeException e) {
      throw new InvalidFile(file + " is not Kubernetes YAML: " + e.getMessage());
    }
    List<HasMetadata> applied = new ArrayList<>();
    for (HasMetadata item : items) {
      if (item.getMetadata().getNamespace() == null) {
        item.getMetadata().setNamespace(Sandbox.NAMESPACE);
      }
      HasMetadata created;
      try {
        created = client.resource(item).create();
      } catch (KubernetesClientException e) {
        // The API server's own words (which field, why), not the client's request dump.
        String why =
            e.getStatus() != null && e.getStatus().getMessage() != null
                ? e.getStatus().getMessage()
                : e.getMessage();
        throw new InvalidFile(file + ": " + name(item) + " was refused: " + why);
      }
      out.println("  created " + name(created));
      applied.add(created);
    }
    return applied;
  }

  /** A file the sandbox cannot apply: a usage error (exit 2), nothing created after it. */
  static final class InvalidFile extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidFile(String message) {
      super(message);
    }
  }

  /** Waits until every TrainingJob has finished and every ModelServer is Ready; 1 on a failure. */
  private int await(Sandbox sandbox, List<HasMetadata> applied, Duration timeout)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      boolean done = true;
      for (HasMetadata o : applied) {
        Outcome outcome = Outcome.of(current(sandbox.client(), o));
        if (outcome.failure().isPresent()) {
          out.println("FAILED: " + name(o) + " " + outcome.failure().get());
          return 1;
        }
        done &= outcome.done();
      }
      if (done) {
        return 0;
      }
      Thread.sleep(250); // a command-line wait loop polling the API, like kubectl wait
    }
    out.println("FAILED: not done after " + timeout.toSeconds() + "s (--timeout)");
    return 1;
  }

  /** Where an applied object stands: done (Succeeded, Ready), failed (with why), or neither. */
  record Outcome(boolean done, Optional<String> failure) {
    static Outcome of(HasMetadata current) {
      if (current instanceof TrainingJob tj) {
        TrainingJobPhase phase = tj.getStatus() == null ? null : tj.getStatus().getPhase();
        return new Outcome(
            phase == TrainingJobPhase.Succeeded,
            phase == TrainingJobPhase.Failed ? Optional.of(StatusLine.of(tj)) : Optional.empty());
      }
      if (current instanceof ModelServer ms) {
        ModelServerPhase phase = ms.getStatus() == null ? null : ms.getStatus().getPhase();
        return new Outcome(
            phase == ModelServerPhase.Ready,
            phase == ModelServerPhase.Failed ? Optional.of(StatusLine.of(ms)) : Optional.empty());
      }
      return new Outcome(current != null, Optional.empty()); // a Secret, a ConfigMap: created
    }
  }

  /** The object as it is now: Kiln's kinds as their API types, anything else as applied. */
  private static HasMetadata current(KubernetesClient client, HasMetadata applied) {
    Class<? extends HasMetadata> type =
        switch (applied.getKind()) {
          case "TrainingJob" -> TrainingJob.class;
          case "ModelServer" -> ModelServer.class;
          default -> null;
        };
    return type == null
        ? applied
        : client
            .resources(type)
            .inNamespace(applied.getMetadata().getNamespace())
            .withName(applied.getMetadata().getName())
            .get();
  }

  private static String name(HasMetadata o) {
    return o.getKind().toLowerCase(java.util.Locale.ROOT) + "/" + o.getMetadata().getName();
  }

  private int predict(Sandbox sandbox, List<HasMetadata> applied) {
    for (HasMetadata o : applied) {
      if (!o.getKind().equals("ModelServer")) {
        continue;
      }
      ModelServer ms = (ModelServer) current(sandbox.client(), o);
      try {
        Prediction.Result result = Prediction.ask(sandbox, ms);
        out.println(
            "Prediction from modelserver/"
                + ms.getMetadata().getName()
                + " (POST "
                + result.endpoint()
                + "):");
        out.println("  " + result.describe());
      } catch (IOException e) {
        out.println(
            "FAILED: modelserver/"
                + ms.getMetadata().getName()
                + " did not answer: "
                + e.getMessage());
        return 1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 1;
      }
    }
    return 0;
  }
}
