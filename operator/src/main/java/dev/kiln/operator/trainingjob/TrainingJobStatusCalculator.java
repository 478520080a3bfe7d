package dev.kiln.operator.trainingjob;

import static dev.kiln.api.v1alpha1.TrainingJobConditions.ACCEPTED;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.INVALID_SPEC;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.PREVIOUS_RUN_OBJECTS;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.VALID;

import dev.kiln.api.v1alpha1.StorageUri;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobConditions;
import dev.kiln.api.v1alpha1.TrainingJobEvents;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.api.v1alpha1.TrainingJobSpec;
import dev.kiln.api.v1alpha1.TrainingJobStatus;
import dev.kiln.operator.report.LiveProgress;
import dev.kiln.operator.support.ConditionSet;
import dev.kiln.operator.support.Failures;
import dev.kiln.operator.support.Jobs;
import dev.kiln.operator.support.PodSecurity;
import dev.kiln.operator.support.Times;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Computes a TrainingJob's status from what is observed: the TrainingJob, its Job and pods, and the
 * time. Pure: no client, no clock, so every situation is a unit test. Also says what to do to the
 * Job (stop, resume, delete) and when to look again.
 *
 * <p>It composes small pure parts: {@link Attempts}, the {@link PhaseDecision} of {@link ActiveRun}
 * (with {@link StartupDeadline}, {@link JobFailure}, {@link InspectStage} and {@link UploadStage}),
 * the {@link FinalReport}, {@link TtlCleanup}, and the conditions ({@link TrainingConditionsTable},
 * {@link StallCheck}, {@link ModelQualification}).
 */
public record TrainingJobStatusCalculator(Duration defaultStartupDeadline) {

  /** What the reconciler should do to the Job after writing the status. */
  public enum JobAction {
    NONE,
    SUSPEND,
    RESUME,
    /**
     * Stop a Kueue-managed Job: spec.active=false on its Kueue Workload (Kueue then evicts it and
     * suspends the Job); Kiln never writes such a Job's spec.suspend.
     */
    DEACTIVATE_WORKLOAD,
    /** Put a Kueue-managed Job back in its queue: spec.active=true on its Workload. */
    ACTIVATE_WORKLOAD,
    DELETE,
    /** Start the follow-up Job that records the model file and checks the trainer's report. */
    CREATE_INSPECT,
    /** Start the follow-up Job that copies the model to spec.output.uri. */
    CREATE_UPLOAD
  }

  /**
   * Everything the status is computed from. {@code job}, {@code inspectJob} and {@code uploadJob}
   * are null until they exist, {@code pods} are the pods of all three; {@code live} is null until
   * the trainer reports progress to this operator; {@code previousRun} says which object of an
   * earlier TrainingJob of the same name the run waits for (null: none).
   */
  public record Observed(
      TrainingJob trainingJob,
      List<String> specProblems,
      Job job,
      List<Pod> pods,
      Instant now,
      LiveProgress live,
      Job inspectJob,
      Job uploadJob,
      String previousRun) {
    public Observed(
        TrainingJob trainingJob,
        List<String> specProblems,
        Job job,
        List<Pod> pods,
        Instant now,
        LiveProgress live,
        Job inspectJob,
        Job uploadJob) {
      this(trainingJob, specProblems, job, pods, now, live, inspectJob, uploadJob, null);
    }

    public Observed(
        TrainingJob trainingJob, List<String> specProblems, Job job, List<Pod> pods, Instant now) {
      this(trainingJob, specProblems, job, pods, now, null, null, null, null);
    }

    public Observed(
        TrainingJob trainingJob,
        List<String> specProblems,
        Job job,
        List<Pod> pods,
        Instant now,
        LiveProgress live) {
      this(trainingJob, specProblems, job, pods, now, live, null, null, null);
    }
  }

  /** A Warning Event to emit: its reason and message. */
  public record Warning(String reason, String message) {}

  /** The new status, the action on the Job, when to look again, and Warning Events to emit. */
  public record Outcome(
      TrainingJobStatus status,
      JobAction jobAction,
      Optional<Duration> recheckAfter,
      List<Warning> warnings) {}

  public Outcome calculate(Observed o) {
    TrainingJob tj = o.trainingJob();
    TrainingJobStatus previous = tj.getStatus() == null ? new TrainingJobStatus() : tj.getStatus();
    TrainingJobStatus s = Serialization.clone(previous);
    s.setObservedGeneration(tj.getMetadata().getGeneration());
    ConditionSet conditions =
        new ConditionSet(previous.getConditions(), tj.getMetadata().getGeneration(), o.now());
    List<Warning> warnings = new ArrayList<>();
    PhaseDecision decision;
    if (previous.getPhase() != null && previous.getPhase().isFinished()) {
      decision = ActiveRun.finished(tj, o.job());
    } else if (!o.specProblems().isEmpty() && previous.getJobName() == null) {
      String problems = String.join("; ", o.specProblems());
      conditions.set(ACCEPTED, false, INVALID_SPEC, problems);
      decision =
          PhaseDecision.failed(
              Failures.of(INVALID_SPEC, problems),
              Objects.requireNonNullElse(previous.getCompletionTime(), Times.format(o.now())));
    } else {
      conditions.set(ACCEPTED, true, VALID, "The spec is valid");
      decision = observeRun(o, s, warnings);
    }
    return finish(o, s, decision, conditions, warnings);
  }

  /** A run that has not finished: the trainer's reports, the Job's facts, then the phase. */
  private PhaseDecision observeRun(Observed o, TrainingJobStatus s, List<Warning> warnings) {
    if (o.job() == null && o.previousRun() != null) {
      return PhaseDecision.pending(PREVIOUS_RUN_OBJECTS, o.previousRun(), null)
          .withRecheck(PreviousRun.RECHECK);
    }
    LiveProgress live = o.live();
    if (live != null) {
      s.setProgress(live.progress());
      s.setMetrics(RunMetrics.merge(s.getMetrics(), live.metrics()));
    }
    if (o.job() != null) {
      Attempts attempts = Attempts.observe(o.job(), o.pods(), s);
      s.setJobName(o.job().getMetadata().getName());
      // The spec is frozen once the Job exists, so its level is the pods' level.
      s.setPodSecurityLevel(PodSecurity.level(o.trainingJob().getSpec()));
      s.setAttempts(attempts.count());
      s.setStartTime(attempts.startTime());
    }
    RunFacts facts =
        new RunFacts(
            o.trainingJob(),
            o.job(),
            o.inspectJob(),
            o.uploadJob(),
            o.pods(),
            o.now(),
            new Attempts(s.getAttempts(), s.getStartTime()),
            s.getCompletionTime(),
            defaultStartupDeadline);
    PhaseDecision decision = ActiveRun.decide(facts);
    if (Jobs.trueCondition(o.job(), Jobs.COMPLETE).isPresent()) {
      report(facts, s, decision, warnings);
    }
    return decision;
  }

  /**
   * Training completed: the final report's progress, metrics and artifact. Its warnings are emitted
   * once: the termination message's when the inspection starts, the inspection's when its result is
   * first used.
   */
  private static void report(
      RunFacts f, TrainingJobStatus s, PhaseDecision decision, List<Warning> warnings) {
    TrainingJobSpec spec = f.spec();
    boolean uploaded = spec.getOutput() != null && decision.phase() == TrainingJobPhase.Succeeded;
    ModelInspection inspection = InspectStage.result(f).orElse(null);
    FinalReport report =
        FinalReport.of(
            f.pods(),
            inspection,
            WorkspaceClaimBuilder.claimName(f.trainingJob()),
            s.getProgress(),
            s.getMetrics(),
            // output.uri cannot carry userinfo (the CRD's pattern); redacted all the same.
            uploaded ? StorageUri.redacted(spec.getOutput().getUri()) : null);
    s.setProgress(report.progress());
    s.setMetrics(report.metrics());
    s.setArtifact(report.artifact());
    if (decision.action() == JobAction.CREATE_INSPECT) {
      report
          .problem()
          .ifPresent(
              p -> warnings.add(new Warning(TrainingJobEvents.TERMINATION_MESSAGE_INVALID, p)));
    }
    if (inspection != null && InspectStage.leftNow(f.trainingJob().getStatus(), decision)) {
      inspection
          .warnings()
          .forEach(w -> warnings.add(new Warning(TrainingJobEvents.MODEL_INSPECTION_WARNING, w)));
    }
  }

  /** The decision into the status, then clean-up, conditions and when to look again. */
  private static Outcome finish(
      Observed o,
      TrainingJobStatus s,
      PhaseDecision decision,
      ConditionSet conditions,
      List<Warning> warnings) {
    TrainingJob tj = o.trainingJob();
    TrainingJobSpec spec = tj.getSpec();
    s.setPhase(decision.phase());
    if (decision.failure() != null) {
      s.setFailure(decision.failure());
    }
    s.setCompletionTime(decision.completionTime());
    TtlCleanup ttl =
        decision.phase().isFinished()
            ? TtlCleanup.decide(spec, s.getCompletionTime(), o.job() != null, o.now())
            : TtlCleanup.NONE;
    TrainingConditionsTable.rows(decision, s.getFailure(), TrainingBatchJobBuilder.queue(tj))
        .forEach(row -> row.applyTo(conditions));
    StallCheck stall =
        StallCheck.decide(
            decision.phase(),
            spec.getProgressDeadlineSeconds(),
            s.getProgress(),
            s.getStartTime(),
            o.now());
    stall.row().applyTo(conditions);
    ModelQualification.row(decision.phase(), spec.getQualityGate(), s.getMetrics())
        .applyTo(conditions);
    RunMetrics.keyMetric(spec, s.getMetrics()).ifPresent(s::setKeyMetric);
    s.setConditions(conditions.list(TrainingJobConditions.ORDER));
    JobAction action = ttl.deleteNow() ? JobAction.DELETE : decision.action();
    return new Outcome(
        s, action, Recheck.earliest(decision.recheck(), ttl.recheck(), stall.recheck()), warnings);
  }
}
