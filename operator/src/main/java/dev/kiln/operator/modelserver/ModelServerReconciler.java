package dev.kiln.operator.modelserver;

import dev.kiln.api.v1alpha1.Failure;
import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.ModelServerPhase;
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
import dev.kiln.operator.support.Times;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Turns a ModelServer into a Deployment, Service and optional HorizontalPodAutoscaler,
 * NetworkPolicy and PodDisruptionBudget serving the resolved model, and writes what it observes
 * back into the status. Model resolution, desired state and status come from pure classes; this
 * class only wires them to the API.
 *
 * <p>Children have the ModelServer's name and carry a hash of their desired state: a child is
 * created when missing, replaced when the hash differs, deleted when no longer wanted, and left
 * alone otherwise, so a restarted operator writes nothing. Reads come from informer caches.
 */
@ControllerConfiguration(name = "modelserver")
public class ModelServerReconciler implements Reconciler<ModelServer> {
  private static final Logger log = LoggerFactory.getLogger(ModelServerReconciler.class);
  private static final int HTTP_UNPROCESSABLE = 422;

  /** How long running pods may fail their readiness probe before it is a failure. */
  public static final Duration READINESS_DEADLINE = Duration.ofMinutes(10);

  private final KubernetesClient client;
  private final ServerDeploymentBuilder deployments;
  private final ModelServerStatusCalculator calculator;
  private final EventRecorder events;
  private final KilnMetrics metrics;
  private final Clock clock;
  private volatile InformerEventSource<TrainingJob, ModelServer> trainingJobs;

  public ModelServerReconciler(
      KubernetesClient client,
      OperatorConfig config,
      EventRecorder events,
      KilnMetrics metrics,
      Clock clock) {
    this.client = client;
    this.deployments = new ServerDeploymentBuilder(config);
    this.calculator = new ModelServerStatusCalculator(READINESS_DEADLINE);
    this.events = events;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, ModelServer>> prepareEventSources(
      EventSourceContext<ModelServer> context) {
    // Informers see only Kiln's model-server children (label selector), mapped by owner.
    String selector = KilnLabels.MANAGED_SELECTOR + "," + KilnLabels.MODEL_SERVER;
    List<EventSource<?, ModelServer>> sources = new ArrayList<>();
    for (Class<? extends HasMetadata> kind :
        List.of(
            Deployment.class,
            Service.class,
            HorizontalPodAutoscaler.class,
            NetworkPolicy.class,
            PodDisruptionBudget.class)) {
      sources.add(
          new InformerEventSource<>(
              InformerEventSourceConfiguration.from(kind, ModelServer.class)
                  .withLabelSelector(selector)
                  .build(),
              context));
    }
    // Pods are owned by ReplicaSets: map them back by label.
    sources.add(
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, ModelServer.class)
                .withLabelSelector(selector)
                .withSecondaryToPrimaryMapper(
                    pod ->
                        Set.of(
                            new ResourceID(
                                pod.getMetadata().getLabels().get(KilnLabels.MODEL_SERVER),
                                pod.getMetadata().getNamespace())))
                .build(),
            context));
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
    sources.add(trainingJobs);
    metrics.modelServersFrom(() -> context.getPrimaryCache().list().toList());
    return sources;
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
      List<String> problems = ModelServerSpecValidator.problems(ms);
      ModelResolution resolution =
          problems.isEmpty()
              ? ModelResolver.resolve(
                  ms, trainingJobs.list(ms.getMetadata().getNamespace()).toList())
              : ModelResolution.failed("InvalidSpec", String.join("; ", problems));

      Deployment deployment = context.getSecondaryResource(Deployment.class).orElse(null);
      Service service = context.getSecondaryResource(Service.class).orElse(null);
      boolean recheckSoon = false;
      // Serve the resolved model; while none resolves, keep what the Deployment serves.
      ServedModel model =
          resolution.isResolved()
              ? resolution.model()
              : deployment != null && previous != null ? previous.getModel() : null;
      if (problems.isEmpty() && model != null) {
        try {
          Deployment before = deployment;
          deployment = syncDeployment(ms, deployment, deployments.build(ms, model));
          announceDeployment(ms, before, deployment, model);
          Service observedService = service;
          service =
              sync(
                  observedService,
                  ModelServerChildren.service(ms),
                  d -> keepIp(observedService, d));
          sync(
              context.getSecondaryResource(HorizontalPodAutoscaler.class).orElse(null),
              ModelServerChildren.autoscaler(ms));
          sync(
              context.getSecondaryResource(NetworkPolicy.class).orElse(null),
              ModelServerChildren.networkPolicy(ms));
          sync(
              context.getSecondaryResource(PodDisruptionBudget.class).orElse(null),
              ModelServerChildren.disruptionBudget(ms));
          recheckSoon = deployment == null || service == null;
        } catch (KubernetesClientException e) {
          if (e.getCode() != HTTP_UNPROCESSABLE) {
            throw e; // transient: JOSDK retries with backoff
          }
          // The API server refused what the spec asks for: say so once instead of retrying.
          problems = List.of("the API server rejected a child object: " + e.getMessage());
          resolution = ModelResolution.failed("InvalidSpec", problems.get(0));
        }
      }

      List<Pod> pods = new ArrayList<>(context.getSecondaryResources(Pod.class));
      Instant now = clock.instant();
      Outcome outcome =
          calculator.calculate(
              new Observed(ms, problems, resolution, deployment, service != null, pods, now));
      ModelServerStatus status = outcome.status();
      announce(ms, previous, status, now);

      if (!Objects.equals(previous, status)) {
        // A full replace of /status, cached for the next reconcile (see TrainingJobReconciler).
        PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(
            ms,
            context,
            fresh -> {
              fresh.setStatus(status);
              return fresh;
            });
      }
      UpdateControl<ModelServer> control = UpdateControl.noUpdate();
      outcome.recheckAfter().ifPresent(control::rescheduleAfter);
      if (recheckSoon) {
        // A create answered "already exists" for a child the cache has not seen yet.
        control.rescheduleAfter(Duration.ofSeconds(5));
      }
      return control;
    }
  }

  /**
   * The Deployment: created, or replaced when its desired state changed. With autoscaling the
   * replica count belongs to the HPA and is carried over; without, a scaled Deployment is reset.
   */
  private Deployment syncDeployment(ModelServer ms, Deployment observed, Deployment desired) {
    boolean autoscaled = ModelServerChildren.autoscaled(ms);
    if (observed != null
        && !autoscaled
        && !Objects.equals(observed.getSpec().getReplicas(), desired.getSpec().getReplicas())) {
      return replace(observed, desired);
    }
    return sync(
        observed,
        desired,
        d -> {
          if (autoscaled && observed.getSpec().getReplicas() != null) {
            d.getSpec().setReplicas(observed.getSpec().getReplicas());
          }
          return d;
        });
  }

  private <T extends HasMetadata> void sync(T observed, Optional<T> desired) {
    if (desired.isPresent()) {
      sync(observed, desired.get(), Function.identity());
    } else if (observed != null) {
      client.resource(observed).delete();
      log.info("deleted {} {}", observed.getKind(), observed.getMetadata().getName());
    }
  }

  /** Creates the child when missing, replaces it when its spec hash differs; returns it. */
  private <T extends HasMetadata> T sync(T observed, T desired, Function<T, T> carryOver) {
    if (observed == null) {
      try {
        return client.resource(desired).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
          return null; // exists, the cache has not seen it yet: look again shortly
        }
        throw e;
      }
    }
    if (Objects.equals(
        ModelServerChildren.specHash(observed), ModelServerChildren.specHash(desired))) {
      return observed;
    }
    return replace(observed, carryOver.apply(desired));
  }

  /** A full replace under optimistic locking: lists are replaced exactly, on any API server. */
  private <T extends HasMetadata> T replace(T observed, T desired) {
    desired.getMetadata().setResourceVersion(observed.getMetadata().getResourceVersion());
    log.info("updating {} {}", desired.getKind(), desired.getMetadata().getName());
    return client.resource(desired).update();
  }

  /** A Service's cluster IP is the API server's; a replace keeps it. */
  private static Service keepIp(Service observed, Service desired) {
    desired.getSpec().setClusterIP(observed.getSpec().getClusterIP());
    desired.getSpec().setClusterIPs(observed.getSpec().getClusterIPs());
    return desired;
  }

  private void announceDeployment(
      ModelServer ms, Deployment before, Deployment after, ServedModel model) {
    if (after == null || before == after) {
      return;
    }
    String modelText = ModelServerStatusCalculator.describe(model);
    if (before == null) {
      events.normal(
          ms,
          "Deploying",
          "Created Deployment " + after.getMetadata().getName() + " serving " + modelText);
      return;
    }
    String oldUri = annotation(before, ServerDeploymentBuilder.MODEL_URI);
    String oldSha = annotation(before, ServerDeploymentBuilder.MODEL_SHA256);
    if (!Objects.equals(oldUri, model.getUri()) || !Objects.equals(oldSha, model.getSha256())) {
      events.normal(
          ms,
          "RollingOut",
          "Rolling out " + modelText + (oldUri != null ? " (was " + oldUri + ")" : ""));
    } else {
      events.normal(ms, "DeploymentUpdated", "Updated Deployment " + after.getMetadata().getName());
    }
  }

  private static String annotation(Deployment d, String key) {
    Map<String, String> a = d.getSpec().getTemplate().getMetadata().getAnnotations();
    return a == null ? null : a.get(key);
  }

  /** Events, log lines and metrics for model resolution, roll-outs and phase transitions. */
  private void announce(
      ModelServer ms, ModelServerStatus previous, ModelServerStatus status, Instant now) {
    List<Condition> before = previous == null ? null : previous.getConditions();
    Condition resolvedBefore = condition(before, ModelServerStatusCalculator.MODEL_RESOLVED);
    Condition resolvedNow =
        condition(status.getConditions(), ModelServerStatusCalculator.MODEL_RESOLVED);
    if (changed(resolvedBefore, resolvedNow)) {
      if ("True".equals(resolvedNow.getStatus())) {
        events.normal(ms, "ModelResolved", resolvedNow.getMessage());
      } else if (status.getFailure() != null
          && resolvedNow.getReason().equals(status.getFailure().getReason())) {
        events.warning(ms, resolvedNow.getReason(), resolvedNow.getMessage());
      } else {
        events.normal(ms, resolvedNow.getReason(), resolvedNow.getMessage());
      }
    }
    Condition progressingBefore = condition(before, ModelServerStatusCalculator.PROGRESSING);
    Condition progressingNow =
        condition(status.getConditions(), ModelServerStatusCalculator.PROGRESSING);
    if (progressingBefore != null
        && ModelServerStatusCalculator.ROLLING_OUT.equals(progressingBefore.getReason())
        && !ModelServerStatusCalculator.ROLLING_OUT.equals(progressingNow.getReason())) {
      Instant started = Times.parse(progressingBefore.getLastTransitionTime());
      Duration took = started == null ? Duration.ZERO : Duration.between(started, now);
      boolean complete =
          ModelServerStatusCalculator.ROLLOUT_COMPLETE.equals(progressingNow.getReason());
      metrics.modelServerRollout(complete ? "complete" : "failed", took);
      if (complete) {
        events.normal(
            ms,
            "RolloutComplete",
            progressingNow.getMessage() + " (roll-out took " + took.toSeconds() + "s)");
      }
    }
    ModelServerPhase from = previous == null ? null : previous.getPhase();
    ModelServerPhase to = status.getPhase();
    if (from == to) {
      return;
    }
    Failure f = status.getFailure();
    switch (to) {
      case Ready -> events.normal(ms, "Ready", "Serving at " + status.getUrl());
      case Loading -> events.normal(ms, "Loading", "Starting the server and loading the model");
      case Degraded ->
          events.warning(
              ms,
              "Degraded",
              f != null ? f.getReason() + ": " + f.getMessage() : readyMessage(status));
      case Failed -> events.warning(ms, f.getReason(), f.getMessage());
      case Pending -> {}
    }
    log.info("phase {} -> {}", from, to);
  }

  private static String readyMessage(ModelServerStatus status) {
    Condition ready = condition(status.getConditions(), ModelServerStatusCalculator.READY);
    return ready == null ? "" : ready.getMessage();
  }

  private static boolean changed(Condition before, Condition now) {
    return now != null
        && (before == null
            || !Objects.equals(before.getStatus(), now.getStatus())
            || !Objects.equals(before.getReason(), now.getReason()));
  }

  private static Condition condition(List<Condition> conditions, String type) {
    return conditions == null
        ? null
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  private static Object phase(TrainingJobStatus s) {
    return s == null ? null : s.getPhase();
  }

  private static String qualified(TrainingJobStatus s) {
    Condition c = s == null ? null : condition(s.getConditions(), ModelResolver.MODEL_QUALIFIED);
    return c == null ? null : c.getStatus();
  }

  private static String key(ModelServer ms) {
    return ms.getMetadata().getNamespace() + "/" + ms.getMetadata().getName();
  }
}
