package dev.kiln.operator.modelserver;

import dev.kiln.api.v1alpha1.Failure;
import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.ModelServerConditions;
import dev.kiln.api.v1alpha1.ModelServerEvents;
import dev.kiln.api.v1alpha1.ModelServerPhase;
import dev.kiln.api.v1alpha1.ModelServerStatus;
import dev.kiln.api.v1alpha1.PodSecurityLevel;
import dev.kiln.api.v1alpha1.ServedModel;
import dev.kiln.api.v1alpha1.StorageUri;
import dev.kiln.operator.support.ConditionSet;
import dev.kiln.operator.support.EventRecorder;
import dev.kiln.operator.support.KilnMetrics;
import dev.kiln.operator.support.PodSecurity;
import dev.kiln.operator.support.Times;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.dependent.ReconcileResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events, log lines and metrics for what happened to a ModelServer: its Deployment created or
 * replaced, its model resolved (or not), a roll-out finished, a phase changed. Each is said once,
 * on the change.
 */
record ModelServerAnnouncer(EventRecorder events, KilnMetrics metrics) {
  private static final Logger log = LoggerFactory.getLogger(ModelServerReconciler.class);

  /** The Deployment was created, or replaced: with a new model (a roll-out) or the same one. */
  void deployment(
      ModelServer ms, Deployment before, ReconcileResult<Deployment> result, ServedModel model) {
    Deployment after = result.getSingleResource().orElse(null);
    if (after == null || result.getSingleOperation() == ReconcileResult.Operation.NONE) {
      return;
    }
    String modelText = ModelServerStatusCalculator.describe(model);
    String name = after.getMetadata().getName();
    boolean created =
        before == null || result.getSingleOperation() == ReconcileResult.Operation.CREATED;
    baselineWarning(ms, created ? null : before, after);
    if (created) {
      events.normal(
          ms, ModelServerEvents.DEPLOYING, "Created Deployment " + name + " serving " + modelText);
      return;
    }
    String oldUri = annotation(before, ServerDeploymentBuilder.MODEL_URI);
    String oldSha = annotation(before, ServerDeploymentBuilder.MODEL_SHA256);
    if (!Objects.equals(oldUri, StorageUri.redacted(model.getUri()))
        || !Objects.equals(oldSha, model.getSha256())) {
      events.normal(
          ms,
          ModelServerEvents.ROLLING_OUT,
          "Rolling out " + modelText + (oldUri != null ? " (was " + oldUri + ")" : ""));
    } else {
      events.normal(ms, ModelServerEvents.DEPLOYMENT_UPDATED, "Updated Deployment " + name);
    }
  }

  /** A Warning when the server pods may now run as root: new Deployment, or a level change. */
  private void baselineWarning(ModelServer ms, Deployment before, Deployment after) {
    PodSecurityLevel now = PodSecurity.levelOf(after.getSpec().getTemplate().getSpec());
    PodSecurityLevel was =
        before == null ? null : PodSecurity.levelOf(before.getSpec().getTemplate().getSpec());
    if (now == PodSecurityLevel.baseline && was != PodSecurityLevel.baseline) {
      events.warning(
          ms,
          ModelServerEvents.POD_SECURITY_BASELINE,
          "The server pods of Deployment "
              + after.getMetadata().getName()
              + " may run as root (spec.pod.securityLevel: baseline); the namespace must admit the"
              + " baseline Pod Security level");
    }
  }

  /** Model resolution, the end of a roll-out and a phase transition, from the status change. */
  void status(ModelServer ms, ModelServerStatus previous, ModelServerStatus status, Instant now) {
    List<Condition> before = previous == null ? null : previous.getConditions();
    boolean failureSaid = resolution(ms, before, status);
    rollout(ms, before, status, now);
    phase(ms, previous == null ? null : previous.getPhase(), status, failureSaid);
  }

  /** Announces a change of the model's resolution; true when that said why the server fails. */
  private boolean resolution(ModelServer ms, List<Condition> before, ModelServerStatus status) {
    Condition was = condition(before, ModelServerConditions.MODEL_RESOLVED);
    Condition now = condition(status.getConditions(), ModelServerConditions.MODEL_RESOLVED);
    if (!changed(was, now)) {
      return false;
    }
    if (ConditionSet.TRUE.equals(now.getStatus())) {
      events.normal(ms, ModelServerEvents.MODEL_RESOLVED, now.getMessage());
    } else if (status.getFailure() != null
        && now.getReason().equals(status.getFailure().getReason())) {
      events.warning(ms, now.getReason(), now.getMessage());
      return true;
    } else {
      events.normal(ms, now.getReason(), now.getMessage());
    }
    return false;
  }

  private void rollout(
      ModelServer ms, List<Condition> before, ModelServerStatus status, Instant now) {
    Condition was = condition(before, ModelServerConditions.PROGRESSING);
    Condition is = condition(status.getConditions(), ModelServerConditions.PROGRESSING);
    if (was == null
        || !ModelServerConditions.ROLLING_OUT.equals(was.getReason())
        || ModelServerConditions.ROLLING_OUT.equals(is.getReason())) {
      return;
    }
    Instant started = Times.parse(was.getLastTransitionTime());
    Duration took = started == null ? Duration.ZERO : Duration.between(started, now);
    boolean complete = ModelServerConditions.ROLLOUT_COMPLETE.equals(is.getReason());
    metrics.modelServerRollout(complete, took);
    if (complete) {
      events.normal(
          ms,
          ModelServerEvents.ROLLOUT_COMPLETE,
          is.getMessage() + " (roll-out took " + took.toSeconds() + "s)");
    }
  }

  private void phase(
      ModelServer ms, ModelServerPhase from, ModelServerStatus status, boolean failureSaid) {
    ModelServerPhase to = status.getPhase();
    if (from == to) {
      return;
    }
    Failure f = status.getFailure();
    switch (to) {
      case Ready -> events.normal(ms, ModelServerEvents.READY, "Serving at " + status.getUrl());
      case Loading ->
          events.normal(ms, ModelServerEvents.LOADING, "Starting the server and loading the model");
      case Degraded ->
          events.warning(
              ms,
              ModelServerEvents.DEGRADED,
              f != null ? f.getReason() + ": " + f.getMessage() : readyMessage(status));
      case Failed -> {
        if (!failureSaid) { // else the resolution's Warning said why
          events.warning(ms, f.getReason(), f.getMessage());
        }
      }
      case Pending -> {}
    }
    log.info("phase {} -> {}", from, to);
  }

  private static String readyMessage(ModelServerStatus status) {
    Condition ready = condition(status.getConditions(), ModelServerConditions.READY);
    return ready == null ? "" : ready.getMessage();
  }

  private static boolean changed(Condition before, Condition now) {
    return now != null
        && (before == null
            || !Objects.equals(before.getStatus(), now.getStatus())
            || !Objects.equals(before.getReason(), now.getReason()));
  }

  private static Condition condition(List<Condition> conditions, String type) {
    return ConditionSet.find(conditions, type).orElse(null);
  }

  private static String annotation(Deployment d, String key) {
    Map<String, String> a = d.getSpec().getTemplate().getMetadata().getAnnotations();
    return a == null ? null : a.get(key);
  }
}
