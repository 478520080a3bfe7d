package dev.kiln.sandbox;

import dev.kiln.api.v1alpha1.Failure;
import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.ModelServerConditions;
import dev.kiln.api.v1alpha1.ModelServerPhase;
import dev.kiln.api.v1alpha1.ModelServerStatus;
import dev.kiln.api.v1alpha1.Progress;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobConditions;
import dev.kiln.api.v1alpha1.TrainingJobStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * One line that says where a TrainingJob or ModelServer stands, from its status alone: phase, then
 * what a user wants next to it (the reason it waits, live progress and metrics, the artifact, the
 * failure, the URL and the model served). Pure, so the sandbox prints a line only when it changes.
 */
final class StatusLine {
  /** Before the operator has written a status. */
  static final String SUBMITTED = "submitted";

  private StatusLine() {}

  static String of(TrainingJob tj) {
    TrainingJobStatus s = tj.getStatus();
    return s == null ? SUBMITTED : line(s.getPhase(), line -> trainingJobDetails(s, line));
  }

  private static void trainingJobDetails(TrainingJobStatus s, StringJoiner line) {
    switch (s.getPhase()) {
      case Pending, Queued, Suspended ->
          condition(s.getConditions(), TrainingJobConditions.RUNNING)
              .filter(c -> "False".equals(c.getStatus()) && c.getMessage() != null)
              .ifPresent(c -> line.add(c.getReason() + ": " + c.getMessage()));
      case Running -> {
        progress(s.getProgress()).ifPresent(line::add);
        metrics(s.getMetrics()).ifPresent(line::add);
      }
      case Succeeded -> {
        metrics(s.getMetrics()).ifPresent(line::add);
        if (s.getArtifact() != null) {
          line.add("model " + s.getArtifact().getUri());
        }
        condition(s.getConditions(), TrainingJobConditions.MODEL_QUALIFIED)
            .ifPresent(
                c ->
                    line.add(
                        ("True".equals(c.getStatus()) ? "qualified" : "NOT qualified")
                            + (c.getMessage() == null ? "" : " (" + c.getMessage() + ")")));
      }
      case Failed -> failure(s.getFailure()).ifPresent(line::add);
    }
  }

  static String of(ModelServer ms) {
    ModelServerStatus s = ms.getStatus();
    return s == null ? SUBMITTED : line(s.getPhase(), line -> modelServerDetails(s, line));
  }

  private static void modelServerDetails(ModelServerStatus s, StringJoiner line) {
    if (s.getReplicas() != null) {
      line.add(
          (s.getReadyReplicas() == null ? 0 : s.getReadyReplicas())
              + "/"
              + s.getReplicas()
              + " ready");
    }
    switch (s.getPhase()) {
      case Pending ->
          condition(s.getConditions(), ModelServerConditions.MODEL_RESOLVED)
              .filter(c -> !"True".equals(c.getStatus()))
              .ifPresent(c -> line.add(c.getReason() + ": " + c.getMessage()));
      case Failed, Degraded -> failure(s.getFailure()).ifPresent(line::add);
      default -> {}
    }
    if (s.getUrl() != null && s.getPhase() != ModelServerPhase.Pending) {
      line.add(s.getUrl());
    }
    if (s.getModel() != null && s.getModel().getUri() != null) {
      line.add(
          "serving "
              + (s.getModel().getTrainingJob() == null
                  ? s.getModel().getUri()
                  : "trainingjob/" + s.getModel().getTrainingJob()));
    }
  }

  /** The phase padded to a column, then the details; {@link #SUBMITTED} before there is a phase. */
  private static String line(Enum<?> phase, Consumer<StringJoiner> details) {
    if (phase == null) {
      return SUBMITTED;
    }
    StringJoiner line = new StringJoiner("  ");
    line.add(String.format("%-9s", phase));
    details.accept(line);
    return line.toString();
  }

  private static Optional<String> progress(Progress p) {
    if (p == null) {
      return Optional.empty();
    }
    StringJoiner out = new StringJoiner(" ");
    if (p.getEpoch() != null) {
      out.add(
          "epoch " + p.getEpoch() + (p.getTotalEpochs() == null ? "" : "/" + p.getTotalEpochs()));
    } else if (p.getStep() != null) {
      out.add("step " + p.getStep() + (p.getTotalSteps() == null ? "" : "/" + p.getTotalSteps()));
    }
    if (p.getPercent() != null) {
      out.add("(" + p.getPercent() + "%)");
    }
    if (p.getEtaSeconds() != null) {
      out.add("ETA " + p.getEtaSeconds() + "s");
    }
    return out.length() == 0 ? Optional.empty() : Optional.of(out.toString());
  }

  private static Optional<String> metrics(Map<String, String> metrics) {
    if (metrics == null || metrics.isEmpty()) {
      return Optional.empty();
    }
    StringJoiner out = new StringJoiner(" ");
    new TreeMap<>(metrics).forEach((k, v) -> out.add(k + "=" + rounded(v)));
    return Optional.of(out.toString());
  }

  /** Four significant digits are what a person reads; the status keeps the full value. */
  static String rounded(String decimal) {
    try {
      java.math.BigDecimal d = new java.math.BigDecimal(decimal);
      return d.round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    } catch (NumberFormatException e) {
      return decimal;
    }
  }

  private static Optional<String> failure(Failure f) {
    if (f == null) {
      return Optional.empty();
    }
    return Optional.of(
        f.getReason()
            + (f.getMessage() == null ? "" : ": " + f.getMessage())
            + (f.getExitCode() == null ? "" : " (exit code " + f.getExitCode() + ")"));
  }

  private static Optional<Condition> condition(List<Condition> conditions, String type) {
    return conditions == null
        ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }
}
