package dev.kiln.operator.modelserver;

import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.ModelServerConditions;
import dev.kiln.api.v1alpha1.ModelServerStatus;
import dev.kiln.api.v1alpha1.ServedModel;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.operator.OperatorConfig;
import dev.kiln.operator.modelserver.ModelServerStatusCalculator.Observed;
import dev.kiln.operator.modelserver.ModelServerStatusCalculator.Outcome;
import dev.kiln.operator.support.EventRecorder;
import dev.kiln.operator.support.KilnMetrics;
import dev.kiln.operator.support.ReconcileFailures;
import dev.kiln.operator.support.Refusals;
import dev.kiln.operator.support.ResourceMdc;
import dev.kiln.operator.support.StatusWriter;
import dev.kiln.operator.support.UnreadableStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.api.reconciler.dependent.ReconcileResult;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Turns a ModelServer into a Deployment, Service and optional HorizontalPodAutoscaler,
 * NetworkPolicy and PodDisruptionBudget serving the resolved model, and writes what it observes
 * back into the status. Model resolution, desired state and status come from pure classes; this
 * class only wires them to the API.
 *
 * <p>The children are JOSDK dependents ({@link SpecHashDependent}) in a workflow this class runs
 * itself, once the model is resolved: while none resolves, or the spec is invalid, the children are
 * left as they are. Reads come from informer caches.
 */
@Workflow(
    explicitInvocation = true,
    handleExceptionsInReconciler = true,
    dependents = {
      @Dependent(name = ModelServerReconciler.DEPLOYMENT, type = ServerDeploymentDependent.class),
      @Dependent(type = ServerServiceDependent.class, dependsOn = ModelServerReconciler.DEPLOYMENT),
      @Dependent(
          type = ServerAutoscalerDependent.class,
          dependsOn = ModelServerReconciler.DEPLOYMENT,
          reconcilePrecondition = WantedBySpec.class),
      @Dependent(
          type = ServerNetworkPolicyDependent.class,
          dependsOn = ModelServerReconciler.DEPLOYMENT,
          reconcilePrecondition = WantedBySpec.class),
      @Dependent(
          type = ServerDisruptionBudgetDependent.class,
          dependsOn = ModelServerReconciler.DEPLOYMENT,
          reconcilePrecondition = WantedBySpec.class)
    })
@ControllerConfiguration(name = "modelserver")
public class ModelServerReconciler implements Reconciler<ModelServer> {
  static final String DEPLOYMENT = "deployment";

  /** How long running pods may fail their readiness probe before it is a failure. */
  public static final Duration READINESS_DEADLINE = Duration.ofMinutes(10);

  private final OperatorConfig config;
  private final ModelServerStatusCalculator calculator;
  private final ModelServerAnnouncer announcer;
  private final KilnMetrics metrics;
  private final ReconcileFailures failures;
  private final UnreadableStatus unreadable;
  private final Clock clock;
  private volatile InformerEventSource<TrainingJob, ModelServer> trainingJobs;

  public ModelServerReconciler(
      OperatorConfig config, EventRecorder events, KilnMetrics metrics, Clock clock) {
    this.config = config;
    this.calculator = new ModelServerStatusCalculator(READINESS_DEADLINE);
    this.announcer = new ModelServerAnnouncer(events, metrics);
    this.metrics = metrics;
    this.failures = new ReconcileFailures(clock);
    this.unreadable = new UnreadableStatus(events);
    this.clock = clock;
  }

  /** Besides the dependents' informers: the server pods, and the TrainingJobs that hold models. */
  @Override
  public List<EventSource<?, ModelServer>> prepareEventSources(
      EventSourceContext<ModelServer> context) {
    trainingJobs = ModelServerEventSources.trainingJobs(context);
    metrics.modelServersFrom(() -> context.getPrimaryCache().list().toList());
    return List.of(ModelServerEventSources.pods(context), trainingJobs);
  }

  /** Which model to serve and what stands in the way; the children deploy only with a model. */
  private record Resolved(List<String> problems, ModelResolution resolution, ServedModel model) {
    boolean deploys() {
      return problems.isEmpty() && model != null;
    }

    /** The API server refused what the spec asks for: say so once instead of retrying. */
    Resolved rejected(String why) {
      return new Resolved(
          List.of(why), ModelResolution.failed(ModelServerConditions.INVALID_SPEC, why), model);
    }
  }

  @Override
  public UpdateControl<ModelServer> reconcile(ModelServer ms, Context<ModelServer> context) {
    try (var ignored = ResourceMdc.put(ms)) {
      if (unreadable.leaveAlone(ms, ms.getStatus())) {
        return UpdateControl.noUpdate(); // looked at again on a change or the periodic check
      }
      Deployment observed = context.getSecondaryResource(Deployment.class).orElse(null);
      Resolved resolved = resolve(ms, observed);
      Optional<String> rejected = resolved.deploys() ? refusedBefore(ms) : Optional.empty();
      if (resolved.deploys() && rejected.isEmpty()) {
        rejected = reconcileChildren(resolved.model(), context);
        SpecHashDependent.result(context, Deployment.class)
            .ifPresent(r -> announcer.deployment(ms, observed, r, resolved.model()));
      }
      Deployment deployment = child(context, Deployment.class);
      Service service = child(context, Service.class);
      Outcome outcome =
          status(
              ms, rejected.map(resolved::rejected).orElse(resolved), deployment, service, context);
      UpdateControl<ModelServer> control = UpdateControl.noUpdate();
      outcome.recheckAfter().ifPresent(control::rescheduleAfter);
      if (resolved.deploys() && rejected.isEmpty() && (deployment == null || service == null)) {
        // A create answered "already exists" for a child the cache has not seen yet.
        control.rescheduleAfter(Duration.ofSeconds(5));
      }
      return control;
    }
  }

  private Resolved resolve(ModelServer ms, Deployment observed) {
    List<String> problems = ModelServerSpecValidator.problems(ms);
    ModelResolution resolution =
        problems.isEmpty()
            ? ModelResolver.resolve(ms, trainingJobs.list(ms.getMetadata().getNamespace()).toList())
            : ModelResolution.failed(
                ModelServerConditions.INVALID_SPEC, String.join("; ", problems));
    // Serve the resolved model; while none resolves, keep what the Deployment serves.
    ModelServerStatus previous = ms.getStatus();
    ServedModel model =
        resolution.isResolved()
            ? resolution.model()
            : observed != null && previous != null
                ? ModelResolver.unredacted(previous.getModel(), ms)
                : null;
    return new Resolved(problems, resolution, model);
  }

  /**
   * The API server refused a child of this very spec (its generation) before: say so again without
   * asking it again, so a refused spec costs one attempt, not one per event. A changed spec is
   * tried anew. A valid spec (the validator found nothing) can only be InvalidSpec so.
   */
  private static Optional<String> refusedBefore(ModelServer ms) {
    ModelServerStatus status = ms.getStatus();
    if (status == null || status.getConditions() == null) {
      return Optional.empty();
    }
    return status.getConditions().stream()
        .filter(c -> ModelServerConditions.MODEL_RESOLVED.equals(c.getType()))
        .filter(c -> ModelServerConditions.INVALID_SPEC.equals(c.getReason()))
        .filter(c -> Objects.equals(c.getObservedGeneration(), ms.getMetadata().getGeneration()))
        .map(Condition::getMessage)
        .findFirst();
  }

  /** Computes, announces and writes the status. */
  private Outcome status(
      ModelServer ms,
      Resolved resolved,
      Deployment deployment,
      Service service,
      Context<ModelServer> context) {
    Instant now = clock.instant();
    List<Pod> pods =
        context.getSecondaryResources(Pod.class).stream()
            .filter(p -> ServerPods.ofDeployment(p, deployment))
            .collect(Collectors.toCollection(ArrayList::new));
    Outcome outcome =
        calculator.calculate(
            new Observed(
                ms,
                resolved.problems(),
                resolved.resolution(),
                deployment,
                service != null,
                pods,
                now));
    announcer.status(ms, ms.getStatus(), outcome.status(), now);
    ModelServerStatus status = outcome.status();
    status.setConditions(ReconcileFailures.without(status.getConditions()));
    StatusWriter.writeIfChanged(ms, ms.getStatus(), status, context);
    failures.succeeded(ms);
    return outcome;
  }

  /**
   * A reconcile threw: API trouble that passes is retried by JOSDK; anything else is shown in the
   * status and tried again later, never in a storm ({@link ReconcileFailures}).
   */
  @Override
  public ErrorStatusUpdateControl<ModelServer> updateErrorStatus(
      ModelServer ms, Context<ModelServer> context, Exception e) {
    try (var ignored = ResourceMdc.put(ms)) {
      return failures.errorStatus(
          ms,
          context,
          e,
          ModelServerStatus::new,
          ModelServerStatus::getConditions,
          ModelServerStatus::setConditions);
    }
  }

  /**
   * Runs the dependents' workflow for the resolved model. Returns why the API server refused a
   * child (422), if it did; other errors are thrown, so JOSDK retries with backoff.
   */
  private Optional<String> reconcileChildren(ServedModel model, Context<ModelServer> context) {
    ServerDeploymentDependent.serve(context, model, config);
    Collection<Exception> errors =
        context
            .managedWorkflowAndDependentResourceContext()
            .reconcileManagedWorkflow()
            .getErroredDependents()
            .values();
    Optional<String> rejected =
        errors.stream()
            .filter(Refusals::isRefusal)
            .findFirst()
            .map(e -> String.join("; ", Refusals.problems((KubernetesClientException) e)));
    if (rejected.isEmpty()) {
      for (Exception e : errors) {
        if (!(e instanceof SpecHashDependent.NotCachedYet)) {
          throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
      }
    }
    return rejected;
  }

  /** The child as this reconcile left it: as created or replaced, else as cached. */
  private static <T extends HasMetadata> T child(Context<ModelServer> context, Class<T> kind) {
    return SpecHashDependent.result(context, kind)
        .flatMap(ReconcileResult::getSingleResource)
        .or(() -> context.getSecondaryResource(kind))
        .orElse(null);
  }
}
