package dev.kiln.operator.it;

import dev.kiln.testkit.workload.SimulatedJobController;
import java.time.Duration;

/**
 * The test kit's simulated Job controller and kubelet on a {@link KilnTestCluster}: every Job Kiln
 * creates (and is not suspended) gets a running pod, then, after a random run time, a successful
 * exit with a termination message and the Job's Complete condition.
 */
public final class JobSimulator implements AutoCloseable {
  private final SimulatedJobController jobs;

  public JobSimulator(KilnTestCluster cluster, Duration minRun, Duration maxRun) {
    this.jobs = new SimulatedJobController(minRun, maxRun);
    cluster.simulateJobs(jobs);
  }

  @Override
  public void close() {
    jobs.close();
  }
}
