package dev.kiln.operator.trainingjob;

import dev.kiln.api.v1alpha1.Artifact;
import dev.kiln.api.v1alpha1.Failure;
import dev.kiln.api.v1alpha1.Progress;
import dev.kiln.api.v1alpha1.QualityGateRule;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.api.v1alpha1.TrainingJobSpec;
import dev.kiln.api.v1alpha1.TrainingJobStatus;
import dev.kiln.operator.report.LiveProgress;
import dev.kiln.operator.support.ConditionSet;
import dev.kiln.operator.support.KilnLabels;
import dev.kiln.operator.support.Pods;
import dev.kiln.operator.support.Times;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Computes a TrainingJob's status from what is observed: the TrainingJob, its Job and pods, and the
 * time. Pure: no client, no clock, so every situation is a unit test. Also says what to do to the
 * Job (stop, resume, delete) and when to look again.
 */
public final class TrainingJobStatusCalculator {
  public static final String ACCEPTED = "Accepted";
  public static final String RUNNING = "Running";
  public static final String SUCCEEDED = "Succeeded";
  public static final String FAILED = "Failed";
  public static final String SUSPENDED = "Suspended";
  public static final String STALLED = "Stalled";
  public static final String MODEL_QUALIFIED = "ModelQualified";
  static final List<String> CONDITION_ORDER =
      List.of(ACCEPTED, RUNNING, SUCCEEDED, FAILED, SUSPENDED, STALLED, MODEL_QUALIFIED);

  /** What the reconciler should do to the Job after writing the status. */
  public enum JobAction {
    NONE,
    SUSPEND,
    RESUME,
    DELETE,
    /** Start the follow-up Job that copies the model to spec.output.uri. */
    CREATE_UPLOAD
  }

  /**
   * Everything the status is computed from. {@code job} is null until it exists; {@code live} is
   * null until the trainer reports progress to this operator.
   */
  public record Observed(
      TrainingJob trainingJob,
      List<String> specProblems,
      Job job,
      List<Pod> pods,
      Instant now,
      LiveProgress live,
      Job uploadJob) {
    public Observed(
        TrainingJob trainingJob, List<String> specProblems, Job job, List<Pod> pods, Instant now) {
      this(trainingJob, specProblems, job, pods, now, null, null);
    }

    public Observed(
        TrainingJob trainingJob,
        List<String> specProblems,
        Job job,
        List<Pod> pods,
        Instant now,
        LiveProgress live) {
      this(trainingJob, specProblems, job, pods, now, live, null);
    }
  }

  /** The new status, the action on the Job, when to look again, and Warning Events to emit. */
  public record Outcome(
      TrainingJobStatus status,
      JobAction jobAction,
      Optional<Duration> recheckAfter,
      List<String> warnings) {}

  private final Duration defaultStartupDeadline;

  public TrainingJobStatusCalculator(Duration defaultStartupDeadline) {
    this.defaultStartupDeadline = defaultStartupDeadline;
  }

  public Outcome calculate(Observed o) {
    return new Calculation(o).run();
  }

  /** One calculation's working state. */
  private final class Calculation {
    private final Observed o;
    private final TrainingJob tj;
    private final TrainingJobSpec spec;
    private final TrainingJobStatus previous;
    private final TrainingJobStatus s;
    private final ConditionSet conditions;
    private final List<String> warnings = new ArrayList<>();
    private JobAction action = JobAction.NONE;
    private Duration recheck;
    private String runningReason = "TrainerRunning";
    private String runningMessage = "Training is running";
    private String artifactPath;
    private String waitingReason = "Pending";
    private String waitingMessage = "Waiting for the training Job";

    Calculation(Observed o) {
      this.o = o;
      this.tj = o.trainingJob();
      this.spec = tj.getSpec();
      this.previous = tj.getStatus() == null ? new TrainingJobStatus() : tj.getStatus();
      this.s = Serialization.clone(previous);
      this.conditions =
          new ConditionSet(previous.getConditions(), tj.getMetadata().getGeneration(), o.now());
    }

    Outcome run() {
      s.setObservedGeneration(tj.getMetadata().getGeneration());
      if (previous.getPhase() != null && previous.getPhase().isFinished()) {
        stopPodsOfFailedRun();
      } else if (!o.specProblems().isEmpty() && previous.getJobName() == null) {
        conditions.set(ACCEPTED, false, "InvalidSpec", String.join("; ", o.specProblems()));
        fail(failure("InvalidSpec", String.join("; ", o.specProblems())));
      } else {
        conditions.set(ACCEPTED, true, "Valid", "The spec is valid");
        applyLiveProgress();
        observeJob();
      }
      if (s.getPhase().isFinished()) {
        cleanUpAfterTtl();
      }
      phaseConditions();
      keyMetric();
      s.setConditions(conditions.list(CONDITION_ORDER));
      return new Outcome(s, action, Optional.ofNullable(recheck), warnings);
    }

    /** The trainer's latest report: progress, and metrics merged into the ones already known. */
    private void applyLiveProgress() {
      LiveProgress live = o.live();
      if (live == null) {
        return;
      }
      s.setProgress(live.progress());
      s.setMetrics(mergeMetrics(s.getMetrics(), live.metrics()));
    }

    /** A finished run keeps its result; a run Kiln failed (startup deadline) must not run on. */
    private void stopPodsOfFailedRun() {
      Job job = o.job();
      if (job != null
          && s.getPhase() == TrainingJobPhase.Failed
          && jobCondition(job, "Complete").isEmpty()
          && jobCondition(job, FAILED).isEmpty()
          && !Boolean.TRUE.equals(job.getSpec().getSuspend())) {
        action = JobAction.SUSPEND;
      }
    }

    /** ttlSecondsAfterFinished: delete the Job (and its pods) once it is due. */
    private void cleanUpAfterTtl() {
      Long ttl = spec.getTtlSecondsAfterFinished();
      Instant completed = Times.parse(s.getCompletionTime());
      if (ttl != null && completed != null && o.job() != null) {
        Instant due = completed.plusSeconds(ttl);
        if (!o.now().isBefore(due)) {
          action = JobAction.DELETE;
        } else {
          recheckAt(due);
        }
      }
    }

    private void observeJob() {
      Job job = o.job();
      if (job == null) {
        s.setPhase(TrainingJobPhase.Pending);
        waitingReason = "Creating";
        waitingMessage = "Creating the workspace and the training Job";
        return;
      }
      s.setJobName(job.getMetadata().getName());
      JobStatus js = job.getStatus() == null ? new JobStatus() : job.getStatus();
      // Pods that ran the trainer (a pod still pulling its image is not an attempt yet): the
      // Job's finished pods plus its active pods whose trainer runs, or the pods seen to have
      // run it, whichever is more (finished pods may be gone; the Job's counters may lag).
      int running =
          Math.min(
              nz(js.getActive()), PodFailures.trainersRunning(o.pods(), TrainerJobBuilder.TRAINER));
      int seen =
          Math.max(
              PodFailures.podsThatRan(o.pods(), TrainerJobBuilder.TRAINER),
              nz(js.getFailed()) + nz(js.getSucceeded()) + running);
      int attempts = Math.max(nz(previous.getAttempts()), seen);
      s.setAttempts(attempts > 0 ? attempts : null);
      if (s.getStartTime() == null) {
        PodFailures.trainerStartedAt(o.pods(), TrainerJobBuilder.TRAINER)
            .ifPresent(s::setStartTime);
      }
      Optional<JobCondition> complete = jobCondition(job, "Complete");
      Optional<JobCondition> failed = jobCondition(job, FAILED);
      boolean jobSuspended = Boolean.TRUE.equals(job.getSpec().getSuspend());
      boolean wantSuspended = Boolean.TRUE.equals(spec.getSuspend());
      if (complete.isPresent()) {
        succeed(job, complete.get());
        if (spec.getOutput() != null) {
          upload();
        }
      } else if (failed.isPresent()) {
        fail(explainJobFailure(failed.get()));
        s.setCompletionTime(transitionTime(failed.get()));
      } else if (wantSuspended) {
        s.setPhase(TrainingJobPhase.Suspended);
        if (!jobSuspended) {
          action = JobAction.SUSPEND;
        }
      } else if (jobSuspended && TrainerJobBuilder.isQueued(tj)) {
        s.setPhase(TrainingJobPhase.Queued);
      } else if (jobSuspended) {
        s.setPhase(TrainingJobPhase.Pending);
        waitingReason = "Resuming";
        waitingMessage = "Resuming the training Job";
        action = JobAction.RESUME;
      } else if (s.getStartTime() != null
          || PodFailures.trainerRunning(o.pods(), TrainerJobBuilder.TRAINER)) {
        s.setPhase(TrainingJobPhase.Running);
      } else {
        s.setPhase(TrainingJobPhase.Pending);
        checkStartup(job, js);
      }
    }

    /** With spec.output, the run succeeds once the model is copied there, not before. */
    private void upload() {
      String target = spec.getOutput().getUri();
      Job up = o.uploadJob();
      Optional<JobCondition> done = up == null ? Optional.empty() : jobCondition(up, "Complete");
      Optional<JobCondition> failed = up == null ? Optional.empty() : jobCondition(up, FAILED);
      if (done.isPresent()) {
        s.getArtifact().setUri(UploadJobBuilder.uploadedUri(target, artifactPath));
        s.setCompletionTime(
            Objects.requireNonNullElse(
                up.getStatus().getCompletionTime(), transitionTime(done.get())));
        return;
      }
      s.setCompletionTime(null);
      if (failed.isPresent()) {
        List<Pod> uploadPods =
            o.pods().stream()
                .filter(
                    p ->
                        p.getMetadata().getLabels() != null
                            && UploadJobBuilder.UPLOAD.equals(
                                p.getMetadata().getLabels().get(KilnLabels.COMPONENT)))
                .toList();
        String why =
            PodFailures.lastPodFailure(uploadPods)
                .map(Failure::getMessage)
                .orElse(
                    failed.get().getMessage() == null
                        ? "the upload Job failed"
                        : failed.get().getMessage());
        fail(failure("UploadFailed", "copying the model to " + target + " failed: " + why));
        s.setCompletionTime(transitionTime(failed.get()));
        return;
      }
      s.setPhase(TrainingJobPhase.Running);
      runningReason = "UploadingModel";
      runningMessage = "Training finished; copying the model to " + target;
      if (up == null) {
        action = JobAction.CREATE_UPLOAD;
      }
    }

    /** Pods that cannot start fail the run once startupDeadlineSeconds has passed. */
    private void checkStartup(Job job, JobStatus js) {
      Duration deadline =
          spec.getStartupDeadlineSeconds() != null
              ? Duration.ofSeconds(spec.getStartupDeadlineSeconds())
              : defaultStartupDeadline;
      Instant since =
          Objects.requireNonNullElse(
              Times.parse(js.getStartTime()),
              Objects.requireNonNullElse(
                  Times.parse(job.getMetadata().getCreationTimestamp()), o.now()));
      Optional<Failure> problem = PodFailures.startupProblem(o.pods());
      Instant due = since.plus(deadline);
      if (o.now().isBefore(due)) {
        waitingReason = problem.map(Failure::getReason).orElse("PodsStarting");
        waitingMessage =
            problem
                .map(
                    p ->
                        p.getMessage()
                            + " (the run fails if pods have not started "
                            + deadline.toSeconds()
                            + "s after the Job started)")
                .orElse("Waiting for the training pods to start");
        recheckAt(due);
        return;
      }
      String limit = "pods did not start within startupDeadlineSeconds=" + deadline.toSeconds();
      fail(
          problem
              .map(p -> p.toBuilder().message(limit + ": " + p.getMessage()).build())
              .orElse(failure("StartupDeadlineExceeded", limit)));
      s.setCompletionTime(Times.format(o.now()));
      action = JobAction.SUSPEND;
    }

    private Failure explainJobFailure(JobCondition failed) {
      Optional<Failure> pod = PodFailures.lastPodFailure(o.pods());
      String reason = failed.getReason() == null ? "Error" : failed.getReason();
      if ("DeadlineExceeded".equals(reason)) {
        return failure(
            "DeadlineExceeded",
            "the run took longer than activeDeadlineSeconds="
                + spec.getActiveDeadlineSeconds()
                + " and was stopped");
      }
      if (pod.isPresent()) {
        Failure f = pod.get();
        String suffix =
            "BackoffLimitExceeded".equals(reason)
                ? " (gave up after " + nz(s.getAttempts()) + " attempts)"
                : "";
        return f.toBuilder().message(f.getMessage() + suffix).build();
      }
      return failure(reason, failed.getMessage() == null ? reason : failed.getMessage());
    }

    private void succeed(Job job, JobCondition complete) {
      s.setPhase(TrainingJobPhase.Succeeded);
      s.setCompletionTime(
          Objects.requireNonNullElse(
              job.getStatus().getCompletionTime(), transitionTime(complete)));
      Progress progress =
          s.getProgress() == null ? new Progress() : s.getProgress().toBuilder().build();
      progress.setPercent(100);
      progress.setEtaSeconds(0L);
      s.setProgress(progress);
      TerminationMessage message = finalReport();
      artifactPath = message == null ? null : message.artifactPath();
      String base = "pvc://" + TrainingJobChildren.workspaceClaimName(tj) + "/model";
      Artifact artifact = new Artifact();
      if (message != null) {
        if (!message.metrics().isEmpty()) {
          s.setMetrics(mergeMetrics(s.getMetrics(), message.metrics()));
        }
        artifact.setUri(
            message.artifactPath() == null ? base : base + "/" + message.artifactPath());
        artifact.setSha256(message.sha256());
        artifact.setFormat(message.format());
        artifact.setSizeBytes(message.size());
      } else {
        artifact.setUri(base);
      }
      s.setArtifact(artifact);
    }

    /** The termination message of the trainer container that exited 0, if it left one. */
    private TerminationMessage finalReport() {
      for (Pod pod : Pods.newestFirst(o.pods())) {
        for (var cs : Pods.containerStatuses(pod)) {
          var t = cs.getState() == null ? null : cs.getState().getTerminated();
          if (TrainerJobBuilder.TRAINER.equals(cs.getName())
              && t != null
              && Integer.valueOf(0).equals(t.getExitCode())) {
            TerminationMessage.Parsed parsed = TerminationMessage.parse(t.getMessage());
            if (parsed.problem() != null) {
              warnings.add(parsed.problem());
            }
            return parsed.message();
          }
        }
      }
      return null;
    }

    private void fail(Failure failure) {
      s.setPhase(TrainingJobPhase.Failed);
      s.setFailure(failure);
      if (s.getCompletionTime() == null) {
        s.setCompletionTime(Times.format(o.now()));
      }
    }

    private void phaseConditions() {
      TrainingJobPhase phase = s.getPhase();
      if (phase == TrainingJobPhase.Running) {
        conditions.set(RUNNING, true, runningReason, runningMessage);
      } else if (phase == TrainingJobPhase.Pending) {
        conditions.set(RUNNING, false, waitingReason, waitingMessage);
      } else {
        conditions.set(RUNNING, false, phase.name(), "The run is " + phase.name().toLowerCase());
      }
      conditions.set(
          SUCCEEDED,
          phase == TrainingJobPhase.Succeeded,
          phase == TrainingJobPhase.Succeeded ? "JobComplete" : phase.name(),
          phase == TrainingJobPhase.Succeeded ? "Training finished" : "Training has not succeeded");
      if (phase == TrainingJobPhase.Failed) {
        conditions.set(FAILED, true, s.getFailure().getReason(), s.getFailure().getMessage());
      } else {
        conditions.set(FAILED, false, phase.name(), "The run has not failed");
      }
      if (phase == TrainingJobPhase.Suspended) {
        conditions.set(SUSPENDED, true, "SuspendedBySpec", "spec.suspend is true");
      } else if (phase == TrainingJobPhase.Queued) {
        conditions.set(
            SUSPENDED,
            true,
            "Queued",
            "Waiting for Kueue to admit the Job (queue "
                + tj.getMetadata().getLabels().get(TrainerJobBuilder.QUEUE_LABEL)
                + ")");
      } else {
        conditions.set(SUSPENDED, false, phase.name(), "The run is not suspended");
      }
      stalled(phase);
      qualified(phase);
    }

    /** Stalled: running, with no progress report for progressDeadlineSeconds. */
    private void stalled(TrainingJobPhase phase) {
      Long deadline = spec.getProgressDeadlineSeconds();
      if (phase != TrainingJobPhase.Running) {
        conditions.set(STALLED, false, "NotRunning", "The run is not running");
        return;
      }
      if (deadline == null) {
        conditions.set(
            STALLED, false, "NoProgressDeadline", "spec.progressDeadlineSeconds is not set");
        return;
      }
      Instant lastReport =
          s.getProgress() == null ? null : Times.parse(s.getProgress().getLastReportTime());
      Instant since = lastReport != null ? lastReport : Times.parse(s.getStartTime());
      if (since == null) {
        since = o.now();
      }
      Instant due = since.plusSeconds(deadline);
      if (o.now().isBefore(due)) {
        conditions.set(STALLED, false, "Progressing", "Progress was reported within the deadline");
        recheckAt(due);
      } else {
        conditions.set(
            STALLED,
            true,
            "NoProgress",
            "No progress reported for more than progressDeadlineSeconds="
                + deadline
                + (lastReport != null ? " (last report " + Times.format(lastReport) + ")" : ""));
      }
    }

    /** ModelQualified: the quality gate on the final metrics of a succeeded run. */
    private void qualified(TrainingJobPhase phase) {
      if (phase == TrainingJobPhase.Failed) {
        conditions.set(MODEL_QUALIFIED, false, "RunFailed", "The run failed; there is no model");
        return;
      }
      if (phase != TrainingJobPhase.Succeeded) {
        conditions.set(
            MODEL_QUALIFIED, ConditionSet.UNKNOWN, "NotFinished", "The run has not finished");
        return;
      }
      List<QualityGateRule> gate = spec.getQualityGate();
      if (gate == null || gate.isEmpty()) {
        conditions.set(MODEL_QUALIFIED, true, "NoQualityGate", "No quality gate is set");
        return;
      }
      Optional<String> failure = QualityGate.firstFailure(gate, s.getMetrics());
      if (failure.isPresent()) {
        conditions.set(MODEL_QUALIFIED, false, "QualityGateFailed", failure.get());
      } else {
        conditions.set(
            MODEL_QUALIFIED, true, "QualityGatePassed", "All " + gate.size() + " checks passed");
      }
    }

    private void keyMetric() {
      String name = spec.getKeyMetric();
      if (name == null && spec.getQualityGate() != null && !spec.getQualityGate().isEmpty()) {
        name = spec.getQualityGate().get(0).getMetric();
      }
      if (name != null && s.getMetrics() != null && s.getMetrics().containsKey(name)) {
        s.setKeyMetric(name + "=" + s.getMetrics().get(name));
      }
    }

    private void recheckAt(Instant due) {
      Duration wait = Duration.between(o.now(), due).plusSeconds(1);
      if (recheck == null || wait.compareTo(recheck) < 0) {
        recheck = wait;
      }
    }

    private String transitionTime(JobCondition c) {
      return c.getLastTransitionTime() != null ? c.getLastTransitionTime() : Times.format(o.now());
    }
  }

  /** Newer values win; at most MAX_METRICS names are kept, the earliest ones first. */
  static Map<String, String> mergeMetrics(Map<String, String> known, Map<String, String> newer) {
    if (newer == null || newer.isEmpty()) {
      return known;
    }
    Map<String, String> merged = new LinkedHashMap<>(known == null ? Map.of() : known);
    newer.forEach(
        (k, v) -> {
          if (merged.containsKey(k) || merged.size() < TerminationMessage.MAX_METRICS) {
            merged.put(k, v);
          }
        });
    return merged;
  }

  static Optional<JobCondition> jobCondition(Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
        .findFirst();
  }

  static Failure failure(String reason, String message) {
    return Failure.builder().reason(reason).message(Pods.bound(message)).build();
  }

  private static int nz(Integer i) {
    return i == null ? 0 : i;
  }

  /** True when the status reports the given condition True. */
  public static boolean hasCondition(TrainingJobStatus status, String type) {
    List<Condition> conditions = status == null ? null : status.getConditions();
    return ConditionSet.isTrue(conditions, type);
  }
}
