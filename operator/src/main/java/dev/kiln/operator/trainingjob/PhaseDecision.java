package dev.kiln.operator.trainingjob;

import static dev.kiln.api.v1alpha1.TrainingJobConditions.PENDING;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.TRAINER_RUNNING;

import dev.kiln.api.v1alpha1.Failure;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.operator.trainingjob.TrainingJobStatusCalculator.JobAction;
import java.time.Duration;

/**
 * What a run's phase is, and what goes with it.
 *
 * @param failure the new failure, or null to keep the status's (a failure is never cleared)
 * @param completionTime the status's completionTime from now on (null while not finished)
 * @param reason the Running condition's reason while Running or Pending
 * @param message the Running condition's message while Running or Pending
 * @param action what to do to the Job
 * @param recheck when to look again (null: on the next event)
 */
record PhaseDecision(
    TrainingJobPhase phase,
    Failure failure,
    String completionTime,
    String reason,
    String message,
    JobAction action,
    Duration recheck) {

  /** The phase with the Running condition's usual reason and message. */
  static PhaseDecision of(TrainingJobPhase phase, String completionTime) {
    return phase == TrainingJobPhase.Running
        ? new PhaseDecision(
            phase,
            null,
            completionTime,
            TRAINER_RUNNING,
            "Training is running",
            JobAction.NONE,
            null)
        : new PhaseDecision(
            phase,
            null,
            completionTime,
            PENDING,
            "Waiting for the training Job",
            JobAction.NONE,
            null);
  }

  /** Pending, saying what the run waits for. */
  static PhaseDecision pending(String reason, String message, String completionTime) {
    return new PhaseDecision(
        TrainingJobPhase.Pending, null, completionTime, reason, message, JobAction.NONE, null);
  }

  static PhaseDecision failed(Failure failure, String completionTime) {
    return of(TrainingJobPhase.Failed, completionTime).withFailure(failure);
  }

  PhaseDecision withAction(JobAction a) {
    return new PhaseDecision(phase, failure, completionTime, reason, message, a, recheck);
  }

  PhaseDecision withRecheck(Duration r) {
    return new PhaseDecision(phase, failure, completionTime, reason, message, action, r);
  }

  PhaseDecision withRunning(String r, String m) {
    return new PhaseDecision(phase, failure, completionTime, r, m, action, recheck);
  }

  private PhaseDecision withFailure(Failure f) {
    return new PhaseDecision(phase, f, completionTime, reason, message, action, recheck);
  }
}
