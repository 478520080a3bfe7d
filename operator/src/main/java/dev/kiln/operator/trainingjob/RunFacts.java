package dev.kiln.operator.trainingjob;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobSpec;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a phase decision on a run that has not finished reads: the observed objects (the training
 * Job, its follow-up Jobs, the pods of all three), the attempts and start time already worked out,
 * and the completionTime the status had.
 */
record RunFacts(
    TrainingJob trainingJob,
    Job job,
    Job inspectJob,
    Job uploadJob,
    List<Pod> pods,
    Instant now,
    Attempts attempts,
    String previousCompletion,
    Duration defaultStartupDeadline) {

  TrainingJobSpec spec() {
    return trainingJob.getSpec();
  }
}
