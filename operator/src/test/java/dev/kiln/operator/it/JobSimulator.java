package dev.kiln.operator.it;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A simulated Job controller and kubelet for many jobs at once: every Job Kiln creates (and is not
 * suspended) gets a running pod, then, after a random run time, a successful exit with a
 * termination message and the Job's Complete condition. Its requests do not go through the
 * operator's client, so injected faults do not touch it.
 */
public final class JobSimulator implements AutoCloseable {
  private final KilnTestCluster cluster;
  private final Duration minRun;
  private final Duration maxRun;
  private final Random random = new Random(7);
  private final Set<String> started = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final SharedIndexInformer<Job> informer;

  public JobSimulator(KilnTestCluster cluster, Duration minRun, Duration maxRun) {
    this.cluster = cluster;
    this.minRun = minRun;
    this.maxRun = maxRun;
    this.informer =
        cluster
            .client()
            .batch()
            .v1()
            .jobs()
            .inNamespace(KilnTestCluster.NS)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Job job) {
                    maybeStart(job);
                  }

                  @Override
                  public void onUpdate(Job old, Job job) {
                    maybeStart(job);
                  }

                  @Override
                  public void onDelete(Job job, boolean unknown) {}
                });
  }

  private void maybeStart(Job job) {
    String name = job.getMetadata().getName();
    if (Boolean.TRUE.equals(job.getSpec().getSuspend()) || !started.add(name)) {
      return;
    }
    scheduler.execute(
        () -> {
          String tj = job.getMetadata().getLabels().get("kiln.dev/trainingjob");
          cluster.jobActive(name);
          cluster.pod(tj, name + "-pod", KilnTestCluster.running());
          long span = maxRun.toMillis() - minRun.toMillis();
          long runFor = minRun.toMillis() + (span <= 0 ? 0 : (long) (random.nextDouble() * span));
          scheduler.schedule(() -> finish(name), runFor, TimeUnit.MILLISECONDS);
        });
  }

  private void finish(String name) {
    cluster
        .client()
        .pods()
        .inNamespace(KilnTestCluster.NS)
        .withName(name + "-pod")
        .editStatus(
            p -> {
              p.getStatus()
                  .setContainerStatuses(
                      java.util.List.of(
                          KilnTestCluster.terminated(
                              0, "Completed", "{\"metrics\":{\"accuracy\":0.95}}")));
              return p;
            });
    cluster.jobFinished(name, "Complete", "CompletionsReached", 0, 1);
  }

  @Override
  public void close() {
    informer.close();
    scheduler.shutdownNow();
  }
}
