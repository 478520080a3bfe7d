package dev.kiln.operator.trainingjob;

import static dev.kiln.api.v1alpha1.TrainingJobConditions.IMAGE_RUNS_AS_ROOT;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.PODS_STARTING;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.STARTUP_DEADLINE_EXCEEDED;

import dev.kiln.api.v1alpha1.Failure;
import dev.kiln.operator.support.Failures;
import dev.kiln.operator.support.Times;
import dev.kiln.operator.trainingjob.TrainingJobStatusCalculator.JobAction;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Pods that cannot start fail the run once startupDeadlineSeconds has passed; an image that runs as
 * root under a restricted pod fails it at once. Pure.
 */
final class StartupDeadline {
  private StartupDeadline() {}

  static PhaseDecision decide(RunFacts f, Job job) {
    Duration deadline =
        f.spec().getStartupDeadlineSeconds() != null
            ? Duration.ofSeconds(f.spec().getStartupDeadlineSeconds())
            : f.defaultStartupDeadline();
    JobStatus js = job.getStatus() == null ? new JobStatus() : job.getStatus();
    Instant since =
        Objects.requireNonNullElse(
            Times.parse(js.getStartTime()),
            Objects.requireNonNullElse(
                Times.parse(job.getMetadata().getCreationTimestamp()), f.now()));
    Optional<Failure> problem = PodFailures.startupProblem(f.pods());
    if (problem.isPresent() && IMAGE_RUNS_AS_ROOT.equals(problem.get().getReason())) {
      // Waiting cannot help: the pods never start until the spec opts in or the image changes.
      return PhaseDecision.failed(problem.get(), Times.format(f.now()))
          .withAction(JobAction.SUSPEND);
    }
    Instant due = Times.plusSaturating(since, deadline);
    if (f.now().isBefore(due)) {
      return waiting(problem, deadline, f.previousCompletion())
          .withRecheck(Recheck.until(f.now(), due));
    }
    String limit = "pods did not start within startupDeadlineSeconds=" + deadline.toSeconds();
    Failure failure =
        problem
            .map(p -> p.toBuilder().message(limit + ": " + p.getMessage()).build())
            .orElse(Failures.of(STARTUP_DEADLINE_EXCEEDED, limit));
    return PhaseDecision.failed(failure, Times.format(f.now())).withAction(JobAction.SUSPEND);
  }

  private static PhaseDecision waiting(
      Optional<Failure> problem, Duration deadline, String completionTime) {
    String reason = problem.map(Failure::getReason).orElse(PODS_STARTING);
    String message =
        problem
            .map(
                p ->
                    p.getMessage()
                        + " (the run fails if pods have not started "
                        + deadline.toSeconds()
                        + "s after the Job started)")
            .orElse("Waiting for the training pods to start");
    return PhaseDecision.pending(reason, message, completionTime);
  }
}
