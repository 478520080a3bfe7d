package dev.kiln.operator.modelserver;

import dev.kiln.api.v1alpha1.Failure;
import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.ModelServerPhase;
import dev.kiln.api.v1alpha1.ModelServerStatus;
import dev.kiln.api.v1alpha1.ServedModel;
import dev.kiln.operator.support.ConditionSet;
import dev.kiln.operator.support.Pods;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Computes a ModelServer's status from what is observed: the ModelServer, the resolved model, its
 * Deployment (as last written or observed) and the server pods. Pure: no client, no clock.
 *
 * <p>Phases: Pending (no model yet), Loading (pods starting, none ready), Ready (all replicas
 * ready), Degraded (some but not all ready, or the old model serves while the new one fails),
 * Failed (nothing ready and a reason why not). None is final: the server recovers by itself when
 * the cause goes away.
 */
public final class ModelServerStatusCalculator {
  public static final String MODEL_RESOLVED = "ModelResolved";
  public static final String AVAILABLE = "Available";
  public static final String PROGRESSING = "Progressing";
  public static final String READY = "Ready";
  static final List<String> CONDITION_ORDER =
      List.of(MODEL_RESOLVED, AVAILABLE, PROGRESSING, READY);

  /** Progressing reasons. */
  public static final String ROLLING_OUT = "RollingOut";

  public static final String ROLLOUT_COMPLETE = "RolloutComplete";
  public static final String WAITING_FOR_MODEL = "WaitingForModel";

  /**
   * Everything the status is computed from. {@code deployment} is null until it exists; {@code
   * serviceExists} decides whether the URL is shown.
   */
  public record Observed(
      ModelServer modelServer,
      List<String> specProblems,
      ModelResolution resolution,
      Deployment deployment,
      boolean serviceExists,
      List<Pod> pods,
      Instant now) {}

  /** The new status and when to look again (a readiness deadline ahead). */
  public record Outcome(ModelServerStatus status, Optional<Duration> recheckAfter) {}

  private final Duration readinessDeadline;

  public ModelServerStatusCalculator(Duration readinessDeadline) {
    this.readinessDeadline = readinessDeadline;
  }

  public Outcome calculate(Observed o) {
    ModelServer ms = o.modelServer();
    ModelServerStatus previous = ms.getStatus() == null ? new ModelServerStatus() : ms.getStatus();
    ConditionSet conditions =
        new ConditionSet(previous.getConditions(), ms.getMetadata().getGeneration(), o.now());
    ModelServerStatus s = new ModelServerStatus();
    s.setObservedGeneration(ms.getMetadata().getGeneration());
    Duration recheck = null;

    // What blocks a new model: an invalid spec, or a model that cannot be resolved.
    Failure blocker = null;
    ModelResolution resolution = o.resolution();
    if (!o.specProblems().isEmpty()) {
      String message = String.join("; ", o.specProblems());
      blocker = failure("InvalidSpec", message);
      conditions.set(MODEL_RESOLVED, false, "InvalidSpec", message);
    } else if (resolution.isResolved()) {
      conditions.set(MODEL_RESOLVED, true, resolution.reason(), resolution.message());
    } else {
      conditions.set(MODEL_RESOLVED, false, resolution.reason(), resolution.message());
      if (resolution.isFailed()) {
        blocker = failure(resolution.reason(), resolution.message());
      }
    }

    Deployment d = o.deployment();
    // The served model: the one the Deployment now carries.
    s.setModel(
        d != null && resolution.isResolved() && o.specProblems().isEmpty()
            ? resolution.model()
            : previous.getModel());
    if (o.serviceExists()) {
      s.setUrl(ModelServerChildren.url(ms));
    }

    ModelServerPhase phase;
    Failure failure = null;
    String readyReason;
    String readyMessage;
    if (d == null) {
      conditions.set(AVAILABLE, false, "NoDeployment", "The server is not deployed yet");
      if (blocker != null) {
        phase = ModelServerPhase.Failed;
        failure = blocker;
        conditions.set(PROGRESSING, false, blocker.getReason(), blocker.getMessage());
      } else if (resolution.isResolved()) {
        phase = ModelServerPhase.Loading;
        conditions.set(PROGRESSING, true, "Creating", "Creating the Deployment");
      } else {
        phase = ModelServerPhase.Pending;
        conditions.set(PROGRESSING, true, WAITING_FOR_MODEL, resolution.message());
      }
      readyReason = phase == ModelServerPhase.Failed ? blocker.getReason() : phase.name();
      readyMessage = phase == ModelServerPhase.Failed ? blocker.getMessage() : resolution.message();
    } else {
      int desired = Objects.requireNonNullElse(d.getSpec().getReplicas(), 1);
      DeploymentStatus ds = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
      int ready = nz(ds.getReadyReplicas());
      s.setReplicas(desired);
      s.setReadyReplicas(ready);
      Rollout rollout = rollout(d, desired);
      ServerPodFailures.Finding finding =
          ServerPodFailures.find(currentPods(d, o.pods()), o.now(), readinessDeadline);
      Failure podFailure = finding.failure().orElse(null);
      if (podFailure == null && rollout.deadlineExceeded()) {
        podFailure = failure("ProgressDeadlineExceeded", rollout.message());
      }
      if (finding.recheckAt().isPresent()) {
        recheck = Duration.between(o.now(), finding.recheckAt().get()).plusSeconds(1);
      }
      String modelText = describe(s.getModel());

      if (ready > 0) {
        conditions.set(
            AVAILABLE,
            true,
            "MinimumReplicasAvailable",
            ready + " of " + desired + " replicas ready");
      } else {
        conditions.set(
            AVAILABLE,
            false,
            podFailure != null
                ? podFailure.getReason()
                : desired == 0 ? "ScaledToZero" : "NoReplicasReady",
            desired == 0 ? "spec.replicas is 0" : "No replica is ready yet");
      }

      if (!rollout.done() && podFailure != null) {
        conditions.set(PROGRESSING, false, podFailure.getReason(), podFailure.getMessage());
      } else if (!rollout.done()) {
        conditions.set(
            PROGRESSING, true, ROLLING_OUT, "Rolling out " + modelText + ": " + rollout.message());
      } else if (!resolution.isResolved() && !resolution.isFailed() && o.specProblems().isEmpty()) {
        conditions.set(PROGRESSING, true, WAITING_FOR_MODEL, resolution.message());
      } else if (blocker != null) {
        conditions.set(PROGRESSING, false, blocker.getReason(), blocker.getMessage());
      } else {
        conditions.set(PROGRESSING, false, ROLLOUT_COMPLETE, "All replicas run " + modelText);
      }

      Failure newFailure = podFailure != null ? podFailure : blocker;
      if (desired == 0) {
        phase = ModelServerPhase.Pending;
        failure = blocker;
        readyReason = "ScaledToZero";
        readyMessage = "spec.replicas is 0";
      } else if (ready == 0) {
        phase = newFailure != null ? ModelServerPhase.Failed : ModelServerPhase.Loading;
        failure = newFailure;
        readyReason = newFailure != null ? newFailure.getReason() : "Loading";
        readyMessage =
            newFailure != null
                ? newFailure.getMessage()
                : "Starting the server and loading " + modelText;
      } else if (ready < desired) {
        phase = ModelServerPhase.Degraded;
        failure = newFailure;
        readyReason = newFailure != null ? newFailure.getReason() : "ReplicasNotReady";
        readyMessage =
            ready
                + " of "
                + desired
                + " replicas ready"
                + (newFailure != null ? ": " + newFailure.getMessage() : "");
      } else if (newFailure != null) {
        // Every replica answers, but with the old model: the new one (or the new spec) fails.
        phase = ModelServerPhase.Degraded;
        failure = newFailure;
        readyReason = newFailure.getReason();
        readyMessage = "Serving the previous model; the new one fails: " + newFailure.getMessage();
      } else {
        phase = ModelServerPhase.Ready;
        readyReason = "Ready";
        readyMessage = "Serving " + modelText + " at " + ModelServerChildren.url(ms);
      }
    }
    s.setPhase(phase);
    s.setFailure(failure);
    conditions.set(READY, phase == ModelServerPhase.Ready, readyReason, readyMessage);
    s.setConditions(conditions.list(CONDITION_ORDER));
    return new Outcome(s, Optional.ofNullable(recheck));
  }

  /** How far the Deployment's roll-out is, in the terms of `kubectl rollout status`. */
  record Rollout(boolean done, boolean deadlineExceeded, String message) {}

  static Rollout rollout(Deployment d, int desired) {
    DeploymentStatus ds = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
    Long generation = d.getMetadata().getGeneration();
    Long observed = ds.getObservedGeneration();
    if (generation != null && (observed == null || observed < generation)) {
      return new Rollout(false, false, "waiting for the Deployment controller");
    }
    boolean deadline =
        ds.getConditions() != null
            && ds.getConditions().stream()
                .anyMatch(
                    (DeploymentCondition c) ->
                        "Progressing".equals(c.getType())
                            && "ProgressDeadlineExceeded".equals(c.getReason()));
    int updated = nz(ds.getUpdatedReplicas());
    int replicas = nz(ds.getReplicas());
    int available = nz(ds.getAvailableReplicas());
    if (updated < desired) {
      return new Rollout(false, deadline, updated + " of " + desired + " replicas updated");
    }
    if (replicas > updated) {
      return new Rollout(
          false, deadline, (replicas - updated) + " old replicas are pending termination");
    }
    if (available < updated) {
      return new Rollout(
          false, deadline, available + " of " + updated + " updated replicas available");
    }
    return new Rollout(true, false, "complete");
  }

  /** Pods of the Deployment's current template: during a roll-out, the new ones. */
  static List<Pod> currentPods(Deployment d, List<Pod> pods) {
    Map<String, String> annotations = d.getSpec().getTemplate().getMetadata().getAnnotations();
    String hash =
        annotations == null ? null : annotations.get(ServerDeploymentBuilder.TEMPLATE_HASH);
    if (hash == null) {
      return pods;
    }
    return pods.stream()
        .filter(
            p ->
                p.getMetadata().getAnnotations() == null
                    || hash.equals(
                        p.getMetadata()
                            .getAnnotations()
                            .get(ServerDeploymentBuilder.TEMPLATE_HASH)))
        .toList();
  }

  static String describe(ServedModel model) {
    if (model == null) {
      return "the model";
    }
    return model.getTrainingJob() != null
        ? "the model of TrainingJob " + model.getTrainingJob() + " (" + model.getUri() + ")"
        : model.getUri();
  }

  private static Failure failure(String reason, String message) {
    return Failure.builder().reason(reason).message(Pods.bound(message)).build();
  }

  private static int nz(Integer i) {
    return i == null ? 0 : i;
  }
}
