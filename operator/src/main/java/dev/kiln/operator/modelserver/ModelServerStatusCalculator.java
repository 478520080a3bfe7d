package dev.kiln.operator.modelserver;

import static dev.kiln.api.v1alpha1.ModelServerConditions.AVAILABLE;
import static dev.kiln.api.v1alpha1.ModelServerConditions.MODEL_RESOLVED;
import static dev.kiln.api.v1alpha1.ModelServerConditions.PROGRESSING;
import static dev.kiln.api.v1alpha1.ModelServerConditions.READY;

import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.ModelServerConditions;
import dev.kiln.api.v1alpha1.ModelServerStatus;
import dev.kiln.api.v1alpha1.ServedModel;
import dev.kiln.api.v1alpha1.StorageUri;
import dev.kiln.operator.support.ConditionSet;
import dev.kiln.operator.support.PodSecurity;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Computes a ModelServer's status from what is observed: the ModelServer, the resolved model, its
 * Deployment (as last written or observed) and the server pods. Pure: no client, no clock. It
 * composes small pure parts: {@link ResolutionVerdict} (ModelResolved), {@link ServingState} (the
 * Deployment and pods), {@link ServerConditionVerdicts} (Available, Progressing) and {@link
 * PhaseDecision} (phase, failure, Ready).
 *
 * <p>Phases: Pending (no model yet), Loading (pods starting, none ready), Ready (all replicas
 * ready), Degraded (some but not all ready, or the old model serves while the new one fails),
 * Failed (nothing ready and a reason why not). None is final: the server recovers by itself when
 * the cause goes away.
 */
public record ModelServerStatusCalculator(Duration readinessDeadline) {

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

  public Outcome calculate(Observed o) {
    ModelServer ms = o.modelServer();
    ModelServerStatus previous = ms.getStatus() == null ? new ModelServerStatus() : ms.getStatus();
    ResolutionVerdict resolution = ResolutionVerdict.of(o.specProblems(), o.resolution());
    Optional<ServingState> serving =
        Optional.ofNullable(o.deployment())
            .map(d -> ServingState.observe(d, o.pods(), o.now(), readinessDeadline));
    // The served model: the one the Deployment now carries.
    ServedModel model =
        serving.isPresent() ? resolution.model().orElse(previous.getModel()) : previous.getModel();
    String modelText = describe(model);
    PhaseDecision phase =
        serving
            .map(st -> PhaseDecision.serving(st, resolution, modelText, ModelServerNames.url(ms)))
            .orElseGet(() -> PhaseDecision.notDeployed(resolution));

    ConditionSet conditions =
        new ConditionSet(previous.getConditions(), ms.getMetadata().getGeneration(), o.now());
    resolution.condition().setOn(conditions, MODEL_RESOLVED);
    ServerConditionVerdicts.available(serving).setOn(conditions, AVAILABLE);
    ServerConditionVerdicts.progressing(serving, resolution, modelText)
        .setOn(conditions, PROGRESSING);
    phase.ready().setOn(conditions, READY);

    ModelServerStatus s = new ModelServerStatus();
    s.setObservedGeneration(ms.getMetadata().getGeneration());
    s.setModel(shown(model));
    if (o.serviceExists()) {
      s.setUrl(ModelServerNames.url(ms));
      s.setGrpcAddress(ModelServerNames.grpcAddress(ms).orElse(null));
    }
    serving.ifPresent(
        st -> {
          s.setReplicas(st.desired());
          s.setReadyReplicas(st.ready());
          s.setPodSecurityLevel(
              PodSecurity.levelOf(o.deployment().getSpec().getTemplate().getSpec()));
        });
    s.setPhase(phase.phase());
    s.setFailure(phase.failure().orElse(null));
    s.setConditions(conditions.list(ModelServerConditions.ORDER));
    return new Outcome(s, serving.flatMap(ServingState::recheckAfter));
  }

  /** The model as status shows it: a user or password in its URI redacted. */
  static ServedModel shown(ServedModel model) {
    return model == null
        ? null
        : model.toBuilder().uri(StorageUri.redacted(model.getUri())).build();
  }

  /** The model in words, for messages and Events. */
  static String describe(ServedModel model) {
    if (model == null) {
      return "the model";
    }
    return model.getTrainingJob() != null
        ? "the model of TrainingJob "
            + model.getTrainingJob()
            + " ("
            + StorageUri.redacted(model.getUri())
            + ")"
        : StorageUri.redacted(model.getUri());
  }
}
