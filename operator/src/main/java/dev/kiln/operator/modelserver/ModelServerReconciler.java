package dev.kiln.operator.modelserver;

import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.ModelServerConditions;
import dev.kiln.api.v1alpha1.ModelServerStatus;
import dev.kiln.api.v1alpha1.ServedModel;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobStatus;
import dev.kiln.operator.OperatorConfig;
import dev.kiln.operator.modelserver.ModelServerStatusCalculator.Observed;
import dev.kiln.operator.modelserver.ModelServerStatusCalculator.Outcome;
import dev.kiln.operator.support.EventRecorder;
import dev.kiln.operator.support.KilnLabels;
import dev.kiln.operator.support.KilnMetrics;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.api.reconciler.dependent.ReconcileResult;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
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
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.MDC;

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
  private static final int HTTP_UNPROCESSABLE = 422;

  /** How long running pods may fail their readiness probe before it is a failure. */
  public static final Duration READINESS_DEADLINE = Duration.ofMinutes(10);

  private final OperatorConfig config;
  private final ModelServerStatusCalculator calculator;
  private final ModelServerAnnouncer announcer;
  private final KilnMetrics metrics;
  private final Clock clock;
  private volatile InformerEventSource<TrainingJob, ModelServer> trainingJobs;

  public ModelServerReconciler(
      OperatorConfig config, EventRecorder events, KilnMetrics metrics, Clock clock) {
    this.config = config;
    this.calculator = new ModelServerStatusCalculator(READINESS_DEADLINE);
    this.announcer = new ModelServerAnnouncer(events, metrics);
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Besides the dependents' informers: the server pods, and the TrainingJobs that hold models. */
  @Override
  public List<EventSource<?, ModelServer>> prepareEventSources(
      EventSourceContext<ModelServer> context) {
    // Pods are owned by ReplicaSets: map them back by label.
    var pods =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, ModelServer.class)
                .withLabelSelector(SpecHashDependent.SELECTOR)
                .withSecondaryToPrimaryMapper(
                    pod ->
                        Set.of(
                            new ResourceID(
                                pod.getMetadata().getLabels().get(KilnLabels.MODEL_SERVER),
                                pod.getMetadata().getNamespace())))
                .build(),
            context);
    // A TrainingJob finishing (or a newer one appearing) wakes the ModelServers that serve it:
    // by trainingJobRef name, or whose latest.selector matches its labels.
    trainingJobs =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(TrainingJob.class, ModelServer.class)
                .withSecondaryToPrimaryMapper(
                    tj ->
                        context
                            .getPrimaryCache()
                            .list(tj.getMetadata().getNamespace())
                            .filter(ms -> ModelResolver.concerns(ms, tj))
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .withOnUpdateFilter(ModelServerReconciler::mattersToServers)
                .build(),
            context);
    metrics.modelServersFrom(() -> context.getPrimaryCache().list().toList());
    return List.of(pods, trainingJobs);
  }

  /** Progress reports update TrainingJobs often; only these changes can change a model. */
  static boolean mattersToServers(TrainingJob now, TrainingJob before) {
    TrainingJobStatus a = now.getStatus();
    TrainingJobStatus b = before.getStatus();
    return !Objects.equals(now.getMetadata().getLabels(), before.getMetadata().getLabels())
        || !Objects.equals(phase(a), phase(b))
        || !Objects.equals(a == null ? null : a.getArtifact(), b == null ? null : b.getArtifact())
        || !Objects.equals(qualified(a), qualified(b))
        || !Objects.equals(
            a == null ? null : a.getCompletionTime(), b == null ? null : b.getCompletionTime());
  }

  @Override
  public UpdateControl<ModelServer> reconcile(ModelServer ms, Context<ModelServer> context) {
    try (var ignored = MDC.putCloseable("resource", key(ms))) {
      ModelServerStatus previous = ms.getStatus();
      Deployment observed = context.getSecondaryResource(Deployment.class).orElse(null);
      List<String> problems = ModelServerSpecValidator.problems(ms);
      ModelResolution resolution =
          problems.isEmpty()
              ? ModelResolver.resolve(
                  ms, trainingJobs.list(ms.getMetadata().getNamespace()).toList())
              : ModelResolution.failed(
                  ModelServerConditions.INVALID_SPEC, String.join("; ", problems));
      // Serve the resolved model; while none resolves, keep what the Deployment serves.
      ServedModel model =
          resolution.isResolved()
              ? resolution.model()
              : observed != null && previous != null ? previous.getModel() : null;
      boolean childrenReconciled = false;
      if (problems.isEmpty() && model != null) {
        Optional<String> rejected = reconcileChildren(ms, model, context);
        SpecHashDependent.result(context, Deployment.class)
            .ifPresent(r -> announcer.deployment(ms, observed, r, model));
        if (rejected.isPresent()) {
          // The API server refused what the spec asks for: say so once instead of retrying.
          problems = List.of(rejected.get());
          resolution = ModelResolution.failed(ModelServerConditions.INVALID_SPEC, rejected.get());
        }
        childrenReconciled = rejected.isEmpty();
      }
      Deployment deployment = child(context, Deployment.class);
      Service service = child(context, Service.class);
      Instant now = clock.instant();
      Outcome outcome =
          calculator.calculate(
              new Observed(
                  ms,
                  problems,
                  resolution,
                  deployment,
                  service != null,
                  new ArrayList<>(context.getSecondaryResources(Pod.class)),
                  now));
      announcer.status(ms, previous, outcome.status(), now);
      writeStatus(ms, previous, outcome.status(), context);
      UpdateControl<ModelServer> control = UpdateControl.noUpdate();
      outcome.recheckAfter().ifPresent(control::rescheduleAfter);
      if (childrenReconciled && (deployment == null || service == null)) {
        // A create answered "already exists" for a child the cache has not seen yet.
        control.rescheduleAfter(Duration.ofSeconds(5));
      }
      return control;
    }
  }

  /**
   * Runs the dependents' workflow for the resolved model. Returns why the API server refused a
   * child (422), if it did; other errors are thrown, so JOSDK retries with backoff.
   */
  private Optional<String> reconcileChildren(
      ModelServer ms, ServedModel model, Context<ModelServer> context) {
    ServerDeploymentDependent.serve(context, model, config);
    Collection<Exception> errors =
        context
            .managedWorkflowAndDependentResourceContext()
            .reconcileManagedWorkflow()
            .getErroredDependents()
            .values();
    Optional<String> rejected =
        errors.stream()
            .filter(
                e -> e instanceof KubernetesClientException k && k.getCode() == HTTP_UNPROCESSABLE)
            .findFirst()
            .map(e -> "the API server rejected a child object: " + e.getMessage());
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

  /** A full replace of /status, cached for the next reconcile (see TrainingJobReconciler). */
  private static void writeStatus(
      ModelServer ms,
      ModelServerStatus previous,
      ModelServerStatus status,
      Context<ModelServer> context) {
    if (!Objects.equals(previous, status)) {
      PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(
          ms,
          context,
          fresh -> {
            fresh.setStatus(status);
            return fresh;
          });
    }
  }

  private static Object phase(TrainingJobStatus s) {
    return s == null ? null : s.getPhase();
  }

  private static String qualified(TrainingJobStatus s) {
    Condition c =
        s == null
            ? null
            : ModelServerAnnouncer.condition(s.getConditions(), ModelResolver.MODEL_QUALIFIED);
    return c == null ? null : c.getStatus();
  }

  private static String key(ModelServer ms) {
    return ms.getMetadata().getNamespace() + "/" + ms.getMetadata().getName();
  }
}
