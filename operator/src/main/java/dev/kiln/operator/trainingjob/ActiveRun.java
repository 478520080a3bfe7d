package dev.kiln.operator.trainingjob;

import static dev.kiln.api.v1alpha1.TrainingJobConditions.CREATING;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.RESUMING;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.api.v1alpha1.TrainingJobStatus;
import dev.kiln.operator.support.Jobs;
import dev.kiln.operator.support.Times;
import dev.kiln.operator.trainingjob.TrainingJobStatusCalculator.JobAction;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.time.Instant;
import java.util.Optional;

/** The phase of a run that has not finished, read from its Job and pods. Pure. */
final class ActiveRun {
  private ActiveRun() {}

  static PhaseDecision decide(RunFacts f) {
    PhaseDecision decision = phase(f);
    // Leaving the user's pause hands a Kueue-managed Job back to its queue (unless it is being
    // stopped anyway), whether or not Kueue had suspended the Job yet.
    boolean resumed =
        f.job() != null
            && !Boolean.TRUE.equals(f.spec().getSuspend())
            && TrainingBatchJobBuilder.kueueManaged(f.trainingJob())
            && wasPaused(f);
    return resumed && decision.action() == JobAction.NONE
        ? decision.withAction(JobAction.ACTIVATE_WORKLOAD)
        : decision;
  }

  private static PhaseDecision phase(RunFacts f) {
    Job job = f.job();
    String kept = f.previousCompletion();
    boolean paused = Boolean.TRUE.equals(f.spec().getSuspend());
    boolean kueue = TrainingBatchJobBuilder.kueueManaged(f.trainingJob());
    if (job == null) {
      return kueue && paused
          ? PhaseDecision.of(TrainingJobPhase.Suspended, kept)
          : PhaseDecision.pending(CREATING, "Creating the workspace and the training Job", kept);
    }
    Optional<JobCondition> complete = Jobs.trueCondition(job, Jobs.COMPLETE);
    Optional<JobCondition> failed = Jobs.trueCondition(job, Jobs.FAILED);
    boolean jobSuspended = Jobs.isSuspended(job);
    if (complete.isPresent()) {
      // Training finished: Kiln inspects the model before the run succeeds (or uploads it).
      return InspectStage.decide(f);
    } else if (failed.isPresent()) {
      return PhaseDecision.failed(
          JobFailure.explain(f, failed.get()), transitionTime(failed.get(), f.now()));
    } else if (paused) {
      return PhaseDecision.of(TrainingJobPhase.Suspended, kept).withAction(pause(f, jobSuspended));
    } else if (jobSuspended && kueue) {
      // Kueue holds the Job (not admitted yet, or preempted): its spec.suspend is Kueue's.
      return PhaseDecision.of(TrainingJobPhase.Queued, kept);
    } else if (jobSuspended) {
      return PhaseDecision.pending(RESUMING, "Resuming the training Job", kept)
          .withAction(JobAction.RESUME);
    } else if (f.attempts().startTime() != null
        || PodFailures.trainerRunning(f.pods(), TrainingBatchJobBuilder.TRAINER)) {
      return PhaseDecision.of(TrainingJobPhase.Running, kept);
    }
    return StartupDeadline.decide(f, job);
  }

  /**
   * How the Job of a run that must not run on is stopped. Kiln suspends its own Job; Kueue resumes
   * an admitted Job that anyone else suspends, so a Kueue-managed Job is stopped through its
   * Workload (spec.active: false), which Kueue answers by evicting it and suspending the Job.
   */
  static JobAction stop(TrainingJob tj) {
    return TrainingBatchJobBuilder.kueueManaged(tj)
        ? JobAction.DEACTIVATE_WORKLOAD
        : JobAction.SUSPEND;
  }

  /**
   * The user's pause: stop the Job while it runs. A Kueue-managed Job that Kueue still holds is
   * stopped too when the pause starts, so that Kueue does not admit it meanwhile.
   */
  private static JobAction pause(RunFacts f, boolean jobSuspended) {
    if (!jobSuspended || (TrainingBatchJobBuilder.kueueManaged(f.trainingJob()) && !wasPaused(f))) {
      return stop(f.trainingJob());
    }
    return JobAction.NONE;
  }

  /** The status said Suspended: the user's pause, which a resume must undo in Kueue too. */
  private static boolean wasPaused(RunFacts f) {
    TrainingJobStatus previous = f.trainingJob().getStatus();
    return previous != null && previous.getPhase() == TrainingJobPhase.Suspended;
  }

  /** A finished run keeps its result; a run Kiln failed (startup deadline) must not run on. */
  static PhaseDecision finished(TrainingJob tj, Job job) {
    TrainingJobStatus previous = tj.getStatus();
    boolean runsOn =
        job != null
            && previous.getPhase() == TrainingJobPhase.Failed
            && Jobs.trueCondition(job, Jobs.COMPLETE).isEmpty()
            && Jobs.trueCondition(job, Jobs.FAILED).isEmpty()
            && !Jobs.isSuspended(job);
    return PhaseDecision.of(previous.getPhase(), previous.getCompletionTime())
        .withAction(runsOn ? stop(tj) : JobAction.NONE);
  }

  static String transitionTime(JobCondition c, Instant now) {
    return c.getLastTransitionTime() != null ? c.getLastTransitionTime() : Times.format(now);
  }
}
