package dev.kiln.operator.trainingjob;

import dev.kiln.api.v1alpha1.Failure;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.api.v1alpha1.TrainingJobStatus;
import dev.kiln.operator.OperatorConfig;
import dev.kiln.operator.report.LiveProgress;
import dev.kiln.operator.report.ProgressTracker;
import dev.kiln.operator.support.EventRecorder;
import dev.kiln.operator.support.KilnLabels;
import dev.kiln.operator.support.KilnMetrics;
import dev.kiln.operator.support.PrunedCache;
import dev.kiln.operator.support.Times;
import dev.kiln.operator.trainingjob.TrainingJobStatusCalculator.Observed;
import dev.kiln.operator.trainingjob.TrainingJobStatusCalculator.Outcome;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Turns a TrainingJob into its workspace, report-token Secret, run ConfigMap, Job (and, for several
 * workers, a headless Service), and writes what it observes back into the status. The desired state
 * and the status come from pure classes; this class only wires them to the API.
 *
 * <p>Children are create-only with deterministic names: a restarted operator finds them in its
 * informer caches and never creates a second Job. Reads come from the caches; the only API calls
 * are creates, the status patch, and Job actions (suspend, resume, delete).
 */
@ControllerConfiguration(name = "trainingjob")
public class TrainingJobReconciler implements Reconciler<TrainingJob> {
  private static final Logger log = LoggerFactory.getLogger(TrainingJobReconciler.class);
  private static final int HTTP_UNPROCESSABLE = 422;

  private final KubernetesClient client;
  private final OperatorConfig config;
  private final ReportTokens tokens;
  private final TrainerJobBuilder jobBuilder;
  private final UploadJobBuilder uploadBuilder;
  private final TrainingJobStatusCalculator calculator;
  private final EventRecorder events;
  private final KilnMetrics metrics;
  private final ProgressTracker progress;
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
    this.client = client;
    this.config = config;
    this.tokens = tokens;
    this.jobBuilder = new TrainerJobBuilder(config);
    this.uploadBuilder = new UploadJobBuilder(config);
    this.calculator = new TrainingJobStatusCalculator(config.defaultStartupDeadline());
    this.events = events;
    this.metrics = metrics;
    this.progress = progress;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, TrainingJob>> prepareEventSources(
      EventSourceContext<TrainingJob> context) {
    // Informers see only Kiln's own children (label selector), not every Job and Pod.
    var jobs =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Job.class, TrainingJob.class)
                .withLabelSelector(KilnLabels.MANAGED_SELECTOR + "," + KilnLabels.TRAINING_JOB)
                .withItemStore(new PrunedCache<>(PrunedCache::job))
                .build(),
            context);
    // Pods are owned by the Job, not the TrainingJob: map them back by label.
    var pods =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, TrainingJob.class)
                .withLabelSelector(KilnLabels.MANAGED_SELECTOR + "," + KilnLabels.TRAINING_JOB)
                .withItemStore(new PrunedCache<>(PrunedCache::pod))
                .withSecondaryToPrimaryMapper(
                    pod ->
                        Set.of(
                            new ResourceID(
                                pod.getMetadata().getLabels().get(KilnLabels.TRAINING_JOB),
                                pod.getMetadata().getNamespace())))
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
    try (var ignored = MDC.putCloseable("resource", key(tj))) {
      List<String> problems = TrainingJobSpecValidator.problems(tj);
      TrainingJobStatus previous = tj.getStatus();
      TrainingJobPhase before = previous == null ? null : previous.getPhase();
      Job job =
          context.getSecondaryResources(Job.class).stream()
              .filter(j -> TrainingJobNames.job(tj).equals(j.getMetadata().getName()))
              .findFirst()
              .orElse(null);
      boolean jobSeen = job != null;
      boolean justCreated = false;
      if (job == null && problems.isEmpty() && (before == null || !before.isFinished())) {
        justCreated = true;
        try {
          job = createChildren(tj);
        } catch (KubernetesClientException e) {
          if (e.getCode() != HTTP_UNPROCESSABLE) {
            throw e; // transient: JOSDK retries with backoff
          }
          // The API server refused what the spec asks for: say so once instead of retrying.
          problems = List.of("the API server rejected a child object: " + e.getMessage());
        }
      }
      List<Pod> pods = new ArrayList<>(context.getSecondaryResources(Pod.class));
      Job upload =
          context.getSecondaryResources(Job.class).stream()
              .filter(j -> TrainingJobNames.upload(tj).equals(j.getMetadata().getName()))
              .findFirst()
              .orElse(null);
      Instant now = clock.instant();
      ResourceID id = ResourceID.fromResource(tj);
      LiveProgress live = progress.progress(id, tj.getMetadata().getUid()).orElse(null);
      Outcome outcome =
          calculator.calculate(new Observed(tj, problems, job, pods, now, live, upload));
      TrainingJobStatus status = outcome.status();

      if (job != null) {
        act(tj, job, outcome.jobAction());
        updateAttempt(tj, previous, status);
      }
      announce(tj, before, status, now);
      outcome.warnings().forEach(w -> events.warning(tj, "TerminationMessageInvalid", w));

      if (!Objects.equals(previous, status)) {
        // A full replace of /status under optimistic locking, cached for the next reconcile:
        // exact (fields can disappear, lists are replaced), and a conflict is re-read and
        // retried by JOSDK. The mock API server merges lists in merge patches, a real one
        // replaces them; a PUT behaves the same on both.
        PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(
            tj,
            context,
            fresh -> {
              fresh.setStatus(status);
              return fresh;
            });
      }
      if (status.getPhase() != null && status.getPhase().isFinished()) {
        progress.forget(id); // the final state is written; later reports are refused
      }
      UpdateControl<TrainingJob> control = UpdateControl.noUpdate();
      outcome.recheckAfter().ifPresent(control::rescheduleAfter);
      if (justCreated && !jobSeen) {
        // The Job's informer event triggers the next reconcile; this is the safety net if the
        // create was answered "already exists" for a Job the cache has not seen yet.
        control.rescheduleAfter(Duration.ofSeconds(5));
      }
      return control;
    }
  }

  /** Creates whatever of the run's children is missing; returns the Job as created. */
  private Job createChildren(TrainingJob tj) {
    TrainingJobChildren.workspaceClaim(tj, config.defaultWorkspaceSize()).ifPresent(this::create);
    create(TrainingJobChildren.reportSecret(tj, tokens.tokenFor(tj)));
    create(TrainingJobChildren.runConfig(tj, 1));
    TrainingJobChildren.workersService(tj).ifPresent(this::create);
    Job job = jobBuilder.build(tj);
    if (create(job)) {
      events.normal(
          tj,
          "JobCreated",
          "Created Job "
              + job.getMetadata().getName()
              + " ("
              + PodContract.workers(tj)
              + " worker(s), image "
              + tj.getSpec().getImage()
              + ")");
    }
    return job;
  }

  /** Creates an object; one that already exists (a restart, a lagging cache) is fine. */
  private boolean create(HasMetadata desired) {
    try {
      client.resource(desired).create();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return false;
      }
      throw e;
    }
  }

  private void act(TrainingJob tj, Job job, TrainingJobStatusCalculator.JobAction action) {
    var jobs = client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace());
    switch (action) {
      case SUSPEND, RESUME -> {
        boolean suspend = action == TrainingJobStatusCalculator.JobAction.SUSPEND;
        // On the cached object: patching by name alone would GET the Job first.
        jobs.resource(job)
            .patch(
                PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"suspend\":" + suspend + "}}");
      }
      case DELETE -> {
        jobs.withName(job.getMetadata().getName())
            .withPropagationPolicy(DeletionPropagation.BACKGROUND)
            .delete();
        events.normal(
            tj,
            "JobDeleted",
            "Deleted Job "
                + job.getMetadata().getName()
                + " and its pods after ttlSecondsAfterFinished="
                + tj.getSpec().getTtlSecondsAfterFinished()
                + "; the status and the workspace stay");
      }
      case CREATE_UPLOAD -> {
        Job up = uploadBuilder.build(tj);
        if (create(up)) {
          events.normal(
              tj, "UploadStarted", "Copying the model to " + tj.getSpec().getOutput().getUri());
        }
      }
      case NONE -> {}
    }
  }

  /** KILN_ATTEMPT: the next pod reads the attempt number from the run ConfigMap at start. */
  private void updateAttempt(TrainingJob tj, TrainingJobStatus previous, TrainingJobStatus now) {
    Integer before = previous == null ? null : previous.getAttempts();
    if (now.getAttempts() != null && !now.getAttempts().equals(before) && now.getAttempts() > 1) {
      client
          .configMaps()
          .inNamespace(tj.getMetadata().getNamespace())
          .resource(TrainingJobChildren.runConfig(tj, now.getAttempts()))
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"data\":{\"attempt\":\"" + now.getAttempts() + "\"}}");
    }
  }

  /** One Event, one log line and the metrics for each phase transition. */
  private void announce(
      TrainingJob tj, TrainingJobPhase before, TrainingJobStatus status, Instant now) {
    TrainingJobPhase after = status.getPhase();
    if (after == before || after == null) {
      return;
    }
    switch (after) {
      case Running -> events.normal(tj, "Running", "Training started");
      case Succeeded ->
          events.normal(
              tj,
              "Succeeded",
              "Training succeeded"
                  + (status.getArtifact() != null
                      ? "; model at " + status.getArtifact().getUri()
                      : ""));
      case Failed -> {
        Failure f = status.getFailure();
        events.warning(tj, f.getReason(), f.getMessage());
        metrics.trainingJobFailed(f.getReason());
      }
      case Suspended -> events.normal(tj, "Suspended", "The run is suspended (spec.suspend)");
      case Queued -> events.normal(tj, "Queued", "Waiting for Kueue to admit the Job");
      case Pending -> {
        if (before == TrainingJobPhase.Suspended || before == TrainingJobPhase.Queued) {
          events.normal(tj, "Resumed", "The run is resuming");
        }
      }
    }
    if (after.isFinished()) {
      Instant created = Times.parse(tj.getMetadata().getCreationTimestamp());
      metrics.trainingJobFinished(
          after, created == null ? Duration.ZERO : Duration.between(created, now));
    }
    log.info("phase {} -> {}", before, after);
  }

  private static String key(TrainingJob tj) {
    return tj.getMetadata().getNamespace() + "/" + tj.getMetadata().getName();
  }
}
