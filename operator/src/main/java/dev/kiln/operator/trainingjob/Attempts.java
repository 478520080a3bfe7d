package dev.kiln.operator.trainingjob;

import static dev.kiln.operator.support.Failures.orZero;

import dev.kiln.api.v1alpha1.TrainingJobStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import java.util.List;

/**
 * How many pods ran the trainer, and when the first one started it.
 *
 * @param count null until a pod ran the trainer
 * @param startTime null until a trainer started
 */
record Attempts(Integer count, String startTime) {
  private static final String TRAINER = TrainingBatchJobBuilder.TRAINER;

  /**
   * Pods that ran the trainer (a pod still pulling its image is not an attempt yet): the Job's
   * finished pods plus its active pods whose trainer runs, or the pods seen to have run it,
   * whichever is more (finished pods may be gone; the Job's counters may lag). Never fewer than
   * before.
   */
  static Attempts observe(Job job, List<Pod> pods, TrainingJobStatus previous) {
    JobStatus js = job.getStatus() == null ? new JobStatus() : job.getStatus();
    int running = Math.min(orZero(js.getActive()), PodFailures.trainersRunning(pods, TRAINER));
    int seen =
        Math.max(
            PodFailures.podsThatRan(pods, TRAINER),
            orZero(js.getFailed()) + orZero(js.getSucceeded()) + running);
    int attempts = Math.max(orZero(previous.getAttempts()), seen);
    String start =
        previous.getStartTime() != null
            ? previous.getStartTime()
            : PodFailures.trainerStartedAt(pods, TRAINER).orElse(null);
    return new Attempts(attempts > 0 ? attempts : null, start);
  }
}
