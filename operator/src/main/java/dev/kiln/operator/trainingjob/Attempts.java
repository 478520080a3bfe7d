package dev.kiln.operator.trainingjob;

import static dev.kiln.operator.support.Failures.orZero;

import dev.kiln.api.v1alpha1.TrainingJobStatus;
import dev.kiln.operator.support.Pods;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The run's attempts, as the trainers were told them (KILN_ATTEMPT_FILE), and when the first
 * trainer started.
 *
 * @param count null until a pod began; else the highest attempt number any worker was given
 * @param startTime null until a trainer started
 */
record Attempts(Integer count, String startTime) {
  private static final String TRAINER = TrainingBatchJobBuilder.TRAINER;
  private static final String ATTEMPT = TrainingBatchJobBuilder.ATTEMPT;

  /**
   * A pod is an attempt once its attempt step has run, which is when it claimed its number (a pod
   * still pulling its images is not one yet). One worker: those pods, or the Job's finished pods
   * plus its active pods that began, whichever is more (finished pods may be gone; the Job's
   * counters may lag). Several workers: the pods of the most-retried worker, as each worker counts
   * its own attempts. Never fewer than before.
   */
  static Attempts observe(Job job, List<Pod> pods, TrainingJobStatus previous) {
    List<Pod> began = pods.stream().filter(Attempts::began).toList();
    // Only an Indexed Job's pods carry an index (the cached Job keeps no completionMode).
    Map<String, Long> perIndex =
        began.stream()
            .map(Attempts::completionIndex)
            .filter(Objects::nonNull)
            .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    int seen;
    if (!perIndex.isEmpty()) {
      seen = perIndex.values().stream().mapToInt(Long::intValue).max().orElse(0);
    } else {
      JobStatus js = job.getStatus() == null ? new JobStatus() : job.getStatus();
      int active = (int) began.stream().filter(p -> !finished(p)).count();
      seen =
          Math.max(
              began.size(),
              orZero(js.getFailed())
                  + orZero(js.getSucceeded())
                  + Math.min(orZero(js.getActive()), active));
    }
    int attempts = Math.max(orZero(previous.getAttempts()), seen);
    String start =
        previous.getStartTime() != null
            ? previous.getStartTime()
            : PodFailures.trainerStartedAt(pods, TRAINER).orElse(null);
    return new Attempts(attempts > 0 ? attempts : null, start);
  }

  /** The attempt step ran (or, in a pod made before there was one, the trainer did). */
  private static boolean began(Pod pod) {
    return Pods.containerStatuses(pod).stream()
        .anyMatch(
            cs -> (ATTEMPT.equals(cs.getName()) || TRAINER.equals(cs.getName())) && ranOrRuns(cs));
  }

  private static boolean ranOrRuns(ContainerStatus cs) {
    return cs.getState() != null
        && (cs.getState().getRunning() != null || cs.getState().getTerminated() != null);
  }

  private static boolean finished(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  private static String completionIndex(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(PodContract.COMPLETION_INDEX);
  }
}
