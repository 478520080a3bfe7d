package dev.kiln.operator.trainingjob;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.api.v1alpha1.TrainingJobStatus;
import dev.kiln.operator.OperatorConfig;
import dev.kiln.operator.report.LiveProgress;
import dev.kiln.operator.report.ProgressTracker;
import dev.kiln.operator.support.EventRecorder;
import dev.kiln.operator.support.KilnLabels;
import dev.kiln.operator.support.KilnMetrics;
import dev.kiln.operator.support.OwnerLabel;
import dev.kiln.operator.support.Owners;
import dev.kiln.operator.support.PrunedCache;
import dev.kiln.operator.support.ReconcileFailures;
import dev.kiln.operator.support.Refusals;
import dev.kiln.operator.support.ResourceMdc;
import dev.kiln.operator.support.StatusWriter;
import dev.kiln.operator.support.UnreadableStatus;
import dev.kiln.operator.trainingjob.TrainingJobNames.Child;
import dev.kiln.operator.trainingjob.TrainingJobStatusCalculator.Observed;
import dev.kiln.operator.trainingjob.TrainingJobStatusCalculator.Outcome;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Turns a TrainingJob into its workspace, report-token Secret, Job (and, for several workers, a
 * headless Service), then the follow-up Jobs that inspect the model and (with spec.output) upload
 * it, and writes what it observes back into the status. Wiring only: observe (caches), validate,
 * act ({@link TrainingJobActions}), record (the status from {@link TrainingJobStatusCalculator},
 * Events from {@link TrainingJobAnnouncer}).
 *
 * <p>Hand-written and create-only rather than JOSDK dependents: the children are never updated (a
 * Job's pod template is immutable, and a run must not restart because the spec changed), and what
 * happens to the Job (suspend, resume, the inspect and upload Jobs, delete after the TTL) is a
 * state machine decided by the status calculation, which reads more plainly as one decision than as
 * activation conditions spread over dependents. Names are deterministic: a restarted operator finds
 * the children in its informer caches and never creates a second Job. Reads come from the caches;
 * the only API calls are creates, the status write, and the Job actions.
 */
@ControllerConfiguration(name = "trainingjob")
public class TrainingJobReconciler implements Reconciler<TrainingJob> {

  private final TrainingJobActions actions;
  private final TrainingJobAnnouncer announcer;
  private final TrainingJobStatusCalculator calculator;
  private final KilnMetrics metrics;
  private final ProgressTracker progress;
  private final ReconcileFailures failures;
  private final UnreadableStatus unreadable;
  private final Clock clock;
  private volatile IndexedResourceCache<TrainingJob> cache;

  public TrainingJobReconciler(
      KubernetesClient client,
      OperatorConfig config,
      ReportTokens tokens,
      EventRecorder events,
      KilnMetrics metrics,
      ProgressTracker progress,
      Clock clock) {
    this.actions = new TrainingJobActions(client, config, tokens, events);
    this.announcer = new TrainingJobAnnouncer(events, metrics);
    this.calculator = new TrainingJobStatusCalculator(config.defaultStartupDeadline());
    this.metrics = metrics;
    this.progress = progress;
    this.failures = new ReconcileFailures(clock);
    this.unreadable = new UnreadableStatus(events);
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, TrainingJob>> prepareEventSources(
      EventSourceContext<TrainingJob> context) {
    // Informers see only Kiln's own children (label selector), not every Job and Pod.
    String selector = OwnerLabel.selector(KilnLabels.TRAINING_JOB);
    var jobs =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Job.class, TrainingJob.class)
                .withLabelSelector(selector)
                .withItemStore(new PrunedCache<>(PrunedCache::job))
                .build(),
            context);
    // Pods are owned by the Job, not the TrainingJob: map them back by label.
    var pods =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, TrainingJob.class)
                .withLabelSelector(selector)
                .withItemStore(new PrunedCache<>(PrunedCache::pod))
                .withSecondaryToPrimaryMapper(OwnerLabel.<Pod>mapper(KilnLabels.TRAINING_JOB))
                .build(),
            context);
    // Progress reports arrive outside Kubernetes: the tracker asks for a reconcile through this.
    var reports = new SimpleInboundEventSource<TrainingJob>("progress-reports");
    progress.onProgress(reports::propagateEvent);
    cache = context.getPrimaryCache();
    metrics.trainingJobsFrom(() -> context.getPrimaryCache().list().toList());
    return List.of(jobs, pods, reports);
  }

  /** True once this replica's controller runs (it leads, or there is no leader election). */
  public boolean isServing() {
    return cache != null;
  }

  /** A TrainingJob from the operator's cache; empty before the controller started (standby). */
  public Optional<TrainingJob> find(ResourceID id) {
    IndexedResourceCache<TrainingJob> c = cache;
    return c == null ? Optional.empty() : c.get(id);
  }

  @Override
  public UpdateControl<TrainingJob> reconcile(TrainingJob tj, Context<TrainingJob> context) {
    try (var ignored = ResourceMdc.put(tj)) {
      if (unreadable.leaveAlone(tj, tj.getStatus())) {
        return UpdateControl.noUpdate(); // looked at again on a change or the periodic check
      }
      TrainingJobStatus previous = tj.getStatus();
      Job job = child(tj, context, TrainingJobNames.name(tj, Child.JOB));
      List<String> problems = TrainingJobSpecValidator.problems(tj);
      String waitingFor =
          job == null
              ? PreviousRun.leftoverJob(tj, context.getSecondaryResources(Job.class)).orElse(null)
              : null;
      boolean creating =
          job == null
              && waitingFor == null
              && problems.isEmpty()
              && !isFinished(previous)
              && !TrainingBatchJobBuilder.heldBack(tj);
      if (creating) {
        try {
          TrainingJobActions.Children children = actions.createChildren(tj);
          job = children.job();
          waitingFor = children.waitingFor();
        } catch (KubernetesClientException e) {
          problems = refused(e);
        }
      }
      Instant now = clock.instant();
      Observed observed = observe(tj, context, problems, job, now, waitingFor);
      Outcome outcome = calculator.calculate(observed);
      TrainingJobStatus status = outcome.status();
      if (job != null) {
        actions.apply(observed, outcome.jobAction());
      }
      announcer.announce(tj, phase(previous), status, outcome.warnings(), now);
      status.setConditions(ReconcileFailures.without(status.getConditions()));
      StatusWriter.writeIfChanged(tj, previous, status, context);
      failures.succeeded(tj);
      if (isFinished(status)) {
        progress.forget(ResourceID.fromResource(tj)); // the final state is written
      }
      return control(outcome, creating);
    }
  }

  /**
   * A reconcile threw: API trouble that passes is retried by JOSDK; anything else is shown in the
   * status and tried again later, never in a storm ({@link ReconcileFailures}).
   */
  @Override
  public ErrorStatusUpdateControl<TrainingJob> updateErrorStatus(
      TrainingJob tj, Context<TrainingJob> context, Exception e) {
    try (var ignored = ResourceMdc.put(tj)) {
      return failures.errorStatus(
          tj,
          context,
          e,
          TrainingJobStatus::new,
          TrainingJobStatus::getConditions,
          TrainingJobStatus::setConditions);
    }
  }

  private Observed observe(
      TrainingJob tj,
      Context<TrainingJob> context,
      List<String> problems,
      Job job,
      Instant now,
      String waitingFor) {
    LiveProgress live =
        progress.progress(ResourceID.fromResource(tj), tj.getMetadata().getUid()).orElse(null);
    Job inspect = child(tj, context, TrainingJobNames.name(tj, Child.INSPECT));
    Job upload = child(tj, context, TrainingJobNames.name(tj, Child.UPLOAD));
    // Only the pods of this run's Jobs, by owner UID: a look-alike pod has the labels too.
    List<Pod> pods =
        context.getSecondaryResources(Pod.class).stream()
            .filter(
                p ->
                    Owners.controlledBy(p, job)
                        || Owners.controlledBy(p, inspect)
                        || Owners.controlledBy(p, upload))
            .collect(Collectors.toCollection(ArrayList::new));
    return new Observed(tj, problems, job, pods, now, live, inspect, upload, waitingFor);
  }

  /** The API server refused what the spec asks for: say so once instead of retrying. */
  private static List<String> refused(KubernetesClientException e) {
    if (!Refusals.isRefusal(e)) {
      throw e; // transient: JOSDK retries with backoff
    }
    return Refusals.problems(e);
  }

  private static UpdateControl<TrainingJob> control(Outcome outcome, boolean created) {
    UpdateControl<TrainingJob> control = UpdateControl.noUpdate();
    outcome.recheckAfter().ifPresent(control::rescheduleAfter);
    if (created) {
      // The Job's informer event triggers the next reconcile; this is the safety net if the
      // create was answered "already exists" for a Job the cache has not seen yet. A run that
      // waits for an earlier run's objects has its own, later recheck.
      if (outcome.recheckAfter().isEmpty()) {
        control.rescheduleAfter(Duration.ofSeconds(5));
      }
    }
    return control;
  }

  /** The TrainingJob's own Job of that name (by owner UID), not a look-alike. */
  private static Job child(TrainingJob tj, Context<TrainingJob> context, String name) {
    return context.getSecondaryResources(Job.class).stream()
        .filter(j -> name.equals(j.getMetadata().getName()) && Owners.controlledBy(j, tj))
        .findFirst()
        .orElse(null);
  }

  private static TrainingJobPhase phase(TrainingJobStatus status) {
    return status == null ? null : status.getPhase();
  }

  private static boolean isFinished(TrainingJobStatus status) {
    return phase(status) != null && phase(status).isFinished();
  }
}
