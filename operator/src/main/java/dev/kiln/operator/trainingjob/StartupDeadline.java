package dev.kiln.operator.trainingjob;

import static dev.kiln.api.v1alpha1.TrainingJobConditions.IMAGE_RUNS_AS_ROOT;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.PODS_STARTING;
import static dev.kiln.api.v1alpha1.TrainingJobConditions.STARTUP_DEADLINE_EXCEEDED;

import dev.kiln.api.v1alpha1.Failure;
import dev.kiln.api.v1alpha1.TrainingJobConditions;
import dev.kiln.api.v1alpha1.TrainingJobStatus;
import dev.kiln.operator.support.ConditionSet;
import dev.kiln.operator.support.Failures;
import dev.kiln.operator.support.Times;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

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
    Instant since = started(f, job);
    Optional<Failure> problem = PodFailures.startupProblem(f.pods());
    if (problem.isPresent() && IMAGE_RUNS_AS_ROOT.equals(problem.get().getReason())) {
      // Waiting cannot help: the pods never start until the spec opts in or the image changes.
      return PhaseDecision.failed(problem.get(), Times.format(f.now()))
          .withAction(ActiveRun.stop(f.trainingJob()));
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
    return PhaseDecision.failed(failure, Times.format(f.now()))
        .withAction(ActiveRun.stop(f.trainingJob()));
  }

  /**
   * When the pods were last asked to start: the latest of the Job's creation, its start time, and
   * when the run last left Queued or Suspended (the time its Suspended condition turned False; now,
   * if the status still says suspended). A Job that Kueue admits after hours in the queue, or that
   * the user resumes, has no start time until the Job controller has seen it, and its creation is
   * long past: neither may count as a late start.
   */
  private static Instant started(RunFacts f, Job job) {
    JobStatus js = job.getStatus() == null ? new JobStatus() : job.getStatus();
    TrainingJobStatus status = f.trainingJob().getStatus();
    Optional<Condition> suspended =
        status == null
            ? Optional.empty()
            : ConditionSet.find(status.getConditions(), TrainingJobConditions.SUSPENDED);
    Instant resumed =
        suspended
            .map(
                c ->
                    ConditionSet.TRUE.equals(c.getStatus())
                        ? f.now()
                        : Times.parse(c.getLastTransitionTime()))
            .orElse(null);
    return Stream.of(
            Times.parse(job.getMetadata().getCreationTimestamp()),
            Times.parse(js.getStartTime()),
            resumed)
        .filter(Objects::nonNull)
        .max(Comparator.naturalOrder())
        .orElse(f.now());
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
