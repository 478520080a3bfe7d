package dev.kiln.operator.trainingjob;

import dev.kiln.api.v1alpha1.PodSecurityLevel;
import dev.kiln.api.v1alpha1.StorageUri;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobEvents;
import dev.kiln.operator.OperatorConfig;
import dev.kiln.operator.support.CreateIfMissing;
import dev.kiln.operator.support.EventRecorder;
import dev.kiln.operator.support.PodSecurity;
import dev.kiln.operator.trainingjob.TrainingJobStatusCalculator.JobAction;
import dev.kiln.operator.trainingjob.TrainingJobStatusCalculator.Observed;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.ScalableResource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The API writes of a TrainingJob's reconcile besides its status: creating the children, the
 * actions on the Job, and the attempt number. Each says what it did with an Event.
 */
final class TrainingJobActions {
  private final KubernetesClient client;
  private final OperatorConfig config;
  private final ReportTokens tokens;
  private final EventRecorder events;

  TrainingJobActions(
      KubernetesClient client, OperatorConfig config, ReportTokens tokens, EventRecorder events) {
    this.client = client;
    this.config = config;
    this.tokens = tokens;
    this.events = events;
  }

  /**
   * What {@link #createChildren} did: the Job as built, or (job null) the object of an earlier run
   * under one of the run's names that it waits for.
   */
  record Children(Job job, String waitingFor) {}

  /**
   * Creates whatever of the run's children is missing. The claim and the workers Service come
   * first: if one of their names is taken by an object the run may not use, nothing else is created
   * (see {@link PreviousRun}).
   */
  Children createChildren(TrainingJob tj) {
    Optional<String> waiting =
        Stream.of(
                WorkspaceClaimBuilder.build(tj, config.defaultWorkspaceSize()),
                WorkerServiceBuilder.build(tj))
            .flatMap(Optional::stream)
            .map(child -> createUnlessTaken(tj, child))
            .flatMap(Optional::stream)
            .findFirst();
    if (waiting.isPresent()) {
      return new Children(null, waiting.get());
    }
    create(RunInputsBuilder.reportTokenSecret(tj, tokens.tokenFor(tj)));
    Job job = TrainingBatchJobBuilder.build(tj, config);
    if (create(job)) {
      events.normal(
          tj,
          TrainingJobEvents.JOB_CREATED,
          "Created Job "
              + job.getMetadata().getName()
              + " ("
              + PodContract.workers(tj)
              + " worker(s), image "
              + tj.getSpec().getImage()
              + ")");
      if (PodSecurity.level(tj.getSpec()) == PodSecurityLevel.baseline) {
        events.warning(
            tj,
            TrainingJobEvents.POD_SECURITY_BASELINE,
            "The pods of Job "
                + job.getMetadata().getName()
                + " may run as root (spec.pod.securityLevel: baseline); the namespace must admit"
                + " the baseline Pod Security level");
      }
    }
    return new Children(job, null);
  }

  /** What the status calculation asked for, on what it observed. */
  void apply(Observed o, JobAction action) {
    TrainingJob tj = o.trainingJob();
    Job job = o.job();
    switch (action) {
      case SUSPEND -> suspend(job, true);
      case RESUME -> suspend(job, false);
      case DEACTIVATE_WORKLOAD -> KueueWorkloads.setActive(client, job, false);
      case ACTIVATE_WORKLOAD -> KueueWorkloads.setActive(client, job, true);
      case DELETE -> delete(tj, job, Stream.of(o.inspectJob(), o.uploadJob()));
      case CREATE_INSPECT -> {
        // The trainer's report, so the inspection checks the file and digest it names.
        TerminationMessage reported = FinalReport.trainerMessage(o.pods()).message();
        create(InspectJobBuilder.build(tj, config, reported));
      }
      case CREATE_UPLOAD -> {
        if (create(UploadJobBuilder.build(tj, config))) {
          events.normal(
              tj,
              TrainingJobEvents.UPLOAD_STARTED,
              "Copying the model to " + StorageUri.redacted(tj.getSpec().getOutput().getUri()));
        }
      }
      case NONE -> {}
    }
  }

  private void suspend(Job job, boolean suspend) {
    // On the cached object: patching by name alone would GET the Job first.
    jobs(job)
        .resource(job)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"suspend\":" + suspend + "}}");
  }

  /** The training Job and the follow-up Jobs that exist, with their pods. */
  private void delete(TrainingJob tj, Job job, Stream<Job> followUps) {
    List<String> names = new ArrayList<>();
    Stream.concat(Stream.of(job), followUps)
        .filter(Objects::nonNull)
        .forEach(
            j -> {
              jobs(j)
                  .withName(j.getMetadata().getName())
                  .withPropagationPolicy(DeletionPropagation.BACKGROUND)
                  .delete();
              names.add(j.getMetadata().getName());
            });
    events.normal(
        tj,
        TrainingJobEvents.JOB_DELETED,
        (names.size() == 1 ? "Deleted Job " : "Deleted Jobs ")
            + String.join(", ", names)
            + (names.size() == 1 ? " and its pods" : " and their pods")
            + " after ttlSecondsAfterFinished="
            + tj.getSpec().getTtlSecondsAfterFinished()
            + "; the status and the workspace stay");
  }

  private NonNamespaceOperation<Job, JobList, ScalableResource<Job>> jobs(Job job) {
    return client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace());
  }

  private boolean create(HasMetadata desired) {
    return CreateIfMissing.create(client, desired).isPresent();
  }

  /**
   * Creates the child; when its name is taken, reads the object back and says what the run waits
   * for unless the run may use it. Empty: created, or usable as it is.
   */
  private Optional<String> createUnlessTaken(TrainingJob tj, HasMetadata desired) {
    if (create(desired)) {
      return Optional.empty();
    }
    HasMetadata existing = client.resource(desired).get();
    if (existing == null) {
      return Optional.of(PreviousRun.vanished(desired));
    }
    return PreviousRun.usable(tj, existing)
        ? Optional.empty()
        : Optional.of(PreviousRun.waitingFor(tj, existing));
  }
}
