package dev.kiln.operator.trainingjob;

import static dev.kiln.api.v1alpha1.TrainingJobConditions.CREATING;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.RESUMING;

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
    Job job = f.job();
    String kept = f.previousCompletion();
    if (job == null) {
      return PhaseDecision.pending(CREATING, "Creating the workspace and the training Job", kept);
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
    } else if (Boolean.TRUE.equals(f.spec().getSuspend())) {
      return PhaseDecision.of(TrainingJobPhase.Suspended, kept)
          .withAction(jobSuspended ? JobAction.NONE : JobAction.SUSPEND);
    } else if (jobSuspended && TrainingBatchJobBuilder.isQueued(f.trainingJob())) {
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

  /** A finished run keeps its result; a run Kiln failed (startup deadline) must not run on. */
  static PhaseDecision finished(TrainingJobStatus previous, Job job) {
    boolean stop =
        job != null
            && previous.getPhase() == TrainingJobPhase.Failed
            && Jobs.trueCondition(job, Jobs.COMPLETE).isEmpty()
            && Jobs.trueCondition(job, Jobs.FAILED).isEmpty()
            && !Jobs.isSuspended(job);
    return PhaseDecision.of(previous.getPhase(), previous.getCompletionTime())
        .withAction(stop ? JobAction.SUSPEND : JobAction.NONE);
  }

  static String transitionTime(JobCondition c, Instant now) {
    return c.getLastTransitionTime() != null ? c.getLastTransitionTime() : Times.format(now);
  }
}
