package dev.kiln.e2e.bench;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.api.v1alpha1.TrainingJobSpec;
import dev.kiln.operator.KilnOperator;
import dev.kiln.operator.it.ApiCallCounter;
import dev.kiln.operator.it.KilnTestCluster;
import dev.kiln.operator.it.RequestLog;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the real operator against the mock API server and a simulated Job controller for N
 * TrainingJobs, and prints one table of figures. Not a test: nothing is asserted.
 *
 * <p>{@code ./mvnw -q install -DskipTests && ./mvnw -q -pl e2e exec:java@scale-bench
 * [-Dexec.args="100 1000 10000"]}
 */
public final class ScaleBenchmark {
  /** Writes one lifecycle needs at least: 4 creates, 3 status writes, 3 Events. */
  static final Map<String, Integer> MINIMUM =
      new TreeMap<>(
          Map.of(
              "create /persistentvolumeclaims", 1,
              "create /secrets", 1,
              "create /configmaps", 1,
              "create batch/jobs", 1,
              "create /events", 3,
              "update kiln.dev/trainingjobs/status", 3));

  private ScaleBenchmark() {}

  public static void main(String[] args) throws Exception {
    Logger.getLogger("io.fabric8.mockwebserver").setLevel(Level.WARNING);
    List<Integer> sizes = new ArrayList<>();
    for (String a : args.length > 0 ? args : new String[] {"100", "1000"}) {
      sizes.add(Integer.parseInt(a));
    }
    System.out.printf(
        "Kiln scale benchmark, %d cores, max heap %d MiB%n",
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
    List<Result> results = new ArrayList<>();
    for (int n : sizes) {
      results.add(run(n, false));
      results.add(run(n, true));
    }
    Result.printTable(results);
  }

  record Result(
      int n,
      boolean baseline,
      double createS,
      double p50Ms,
      double p99Ms,
      double allRunningS,
      double allSucceededS,
      double jobsPerS,
      Map<String, Double> writesPerLifecycle,
      long heapMiB,
      long rssMiB,
      double readyS) {

    static void printTable(List<Result> results) {
      System.out.println();
      System.out.printf(
          "%-8s %-9s %9s %9s %11s %13s %8s %9s %8s %9s%n",
          "N",
          "operator",
          "p50 ms",
          "p99 ms",
          "running s",
          "succeeded s",
          "jobs/s",
          "heap MiB",
          "RSS MiB",
          "ready s");
      for (Result r : results) {
        System.out.printf(
            "%-8d %-9s %9s %9s %11s %13s %8s %9d %8d %9.2f%n",
            r.n,
            r.baseline ? "no-op" : "kiln",
            fmt(r.p50Ms),
            fmt(r.p99Ms),
            fmt(r.allRunningS),
            fmt(r.allSucceededS),
            fmt(r.jobsPerS),
            r.heapMiB,
            r.rssMiB,
            r.readyS);
      }
      System.out.println();
      System.out.println("API writes per TrainingJob lifecycle (kiln), next to the minimum:");
      for (Result r : results) {
        if (r.baseline) {
          continue;
        }
        System.out.printf("  N=%d%n", r.n);
        Set<String> keys = new java.util.TreeSet<>(MINIMUM.keySet());
        keys.addAll(r.writesPerLifecycle.keySet());
        for (String k : keys) {
          System.out.printf(
              "    %-40s %6.2f   (minimum %d)%n",
              k, r.writesPerLifecycle.getOrDefault(k, 0.0), MINIMUM.getOrDefault(k, 0));
        }
      }
    }

    private static String fmt(double d) {
      return Double.isNaN(d) ? "-" : String.format("%.1f", d);
    }
  }

  static Result run(int n, boolean baseline) throws Exception {
    RequestLog requests = new RequestLog();
    try (KilnTestCluster cluster = new KilnTestCluster()) {
      Map<String, Long> created = new ConcurrentHashMap<>();
      Map<String, Long> jobSeen = new ConcurrentHashMap<>();
      AtomicInteger running = new AtomicInteger();
      AtomicInteger succeeded = new AtomicInteger();
      var simulator = simulate(cluster, jobSeen);
      var phases = count(cluster.client(), running, succeeded);
      AutoCloseable operator =
          baseline
              ? noOpOperator(cluster.operatorClient(requests))
              : cluster.startOperator(Map.of(), requests);
      long start = System.nanoTime();
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<?>> creates = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int offset = t;
        creates.add(
            pool.submit(
                () -> {
                  for (int i = offset; i < n; i += 4) {
                    String name = "bench-" + i;
                    cluster.client().resource(trainingJob(name)).create();
                    created.put(name, System.nanoTime());
                  }
                  return null;
                }));
      }
      for (Future<?> f : creates) {
        f.get();
      }
      pool.shutdown();
      double createS = (System.nanoTime() - start) / 1e9;
      double runningS = Double.NaN;
      double succeededS = Double.NaN;
      if (!baseline) {
        // Bounded: a size the mock cannot serve in 15 minutes is reported as not finished.
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
        while (succeeded.get() < n && System.nanoTime() < deadline) {
          if (Double.isNaN(runningS) && running.get() + succeeded.get() >= n) {
            runningS = (System.nanoTime() - start) / 1e9;
          }
          Thread.sleep(50);
        }
        succeededS = (System.nanoTime() - start) / 1e9;
      }
      List<Double> latencies = new ArrayList<>();
      created.forEach(
          (name, t) -> {
            Long seen = jobSeen.get(name);
            if (seen != null) {
              latencies.add(Math.max(0, seen - t) / 1e6);
            }
          });
      Collections.sort(latencies);
      Map<String, Double> perLifecycle = new TreeMap<>();
      ApiCallCounter.count(requests.writes())
          .forEach((k, v) -> perLifecycle.put(k, v / (double) n));
      System.gc();
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
      long rss = rssMiB();
      operator.close();
      double readyS = baseline ? readyNoOp(cluster) : readyKiln(cluster);
      simulator.close();
      phases.close();
      Result r =
          new Result(
              n,
              baseline,
              createS,
              percentile(latencies, 0.5),
              percentile(latencies, 0.99),
              runningS,
              succeededS,
              baseline ? Double.NaN : n / succeededS,
              perLifecycle,
              heap,
              rss,
              readyS);
      System.out.printf(
          "N=%d %s done: %d TrainingJobs created in %.1f s, all succeeded in %s s%n",
          n,
          baseline ? "no-op" : "kiln",
          n,
          createS,
          Double.isNaN(succeededS) ? "-" : String.format("%.1f", succeededS));
      return r;
    }
  }

  private static double percentile(List<Double> sorted, double p) {
    return sorted.isEmpty()
        ? Double.NaN
        : sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(sorted.size() * p)));
  }

  /** The simulated Job controller: every Job runs at once and succeeds one second later. */
  private static AutoCloseable simulate(KilnTestCluster cluster, Map<String, Long> jobSeen) {
    var scheduler = Executors.newScheduledThreadPool(2);
    var informer =
        cluster
            .client()
            .batch()
            .v1()
            .jobs()
            .inNamespace(KilnTestCluster.NS)
            .inform(
                new ResourceEventHandler<Job>() {
                  @Override
                  public void onAdd(Job job) {
                    String tj = job.getMetadata().getLabels().get("kiln.dev/trainingjob");
                    jobSeen.putIfAbsent(tj, System.nanoTime());
                    String name = job.getMetadata().getName();
                    scheduler.execute(
                        () -> {
                          cluster.jobActive(name);
                          cluster.pod(tj, name + "-pod", KilnTestCluster.running());
                          scheduler.schedule(
                              () -> {
                                cluster
                                    .client()
                                    .pods()
                                    .inNamespace(KilnTestCluster.NS)
                                    .withName(name + "-pod")
                                    .editStatus(
                                        p -> {
                                          p.getStatus()
                                              .setContainerStatuses(
                                                  List.of(
                                                      KilnTestCluster.terminated(
                                                          0,
                                                          "Completed",
                                                          "{\"metrics\":{\"accuracy\":0.95}}")));
                                          return p;
                                        });
                                cluster.jobFinished(name, "Complete", "CompletionsReached", 0, 1);
                              },
                              1,
                              TimeUnit.SECONDS);
                        });
                  }

                  @Override
                  public void onUpdate(Job oldJob, Job job) {}

                  @Override
                  public void onDelete(Job job, boolean unknown) {}
                });
    return () -> {
      informer.close();
      scheduler.shutdownNow();
    };
  }

  private static AutoCloseable count(
      KubernetesClient client, AtomicInteger running, AtomicInteger succeeded) {
    Map<String, TrainingJobPhase> last = new ConcurrentHashMap<>();
    var informer =
        client
            .resources(TrainingJob.class)
            .inNamespace(KilnTestCluster.NS)
            .inform(
                new ResourceEventHandler<TrainingJob>() {
                  @Override
                  public void onAdd(TrainingJob tj) {
                    onUpdate(null, tj);
                  }

                  @Override
                  public void onUpdate(TrainingJob old, TrainingJob tj) {
                    TrainingJobPhase phase =
                        tj.getStatus() == null ? null : tj.getStatus().getPhase();
                    TrainingJobPhase before =
                        phase == null ? null : last.put(tj.getMetadata().getName(), phase);
                    if (phase != before) {
                      if (phase == TrainingJobPhase.Running) {
                        running.incrementAndGet();
                      } else if (phase == TrainingJobPhase.Succeeded) {
                        succeeded.incrementAndGet();
                        if (before == TrainingJobPhase.Running) {
                          running.decrementAndGet();
                        }
                      }
                    }
                  }

                  @Override
                  public void onDelete(TrainingJob tj, boolean unknown) {}
                });
    return informer::close;
  }

  private static TrainingJob trainingJob(String name) {
    TrainingJob tj = new TrainingJob();
    tj.setMetadata(
        new ObjectMetaBuilder().withName(name).withNamespace(KilnTestCluster.NS).build());
    TrainingJobSpec spec = new TrainingJobSpec();
    spec.setImage("trainer:1");
    tj.setSpec(spec);
    return tj;
  }

  /** A reconciler that does nothing: the cost of JOSDK's informers and the mock alone. */
  @ControllerConfiguration(name = "noop")
  static final class NoOp implements Reconciler<TrainingJob> {
    @Override
    public UpdateControl<TrainingJob> reconcile(TrainingJob tj, Context<TrainingJob> context) {
      return UpdateControl.noUpdate();
    }
  }

  private static AutoCloseable noOpOperator(KubernetesClient client) {
    Operator operator =
        new Operator(
            o ->
                o.withKubernetesClient(client)
                    .withCloseClientOnStop(false)
                    .withSSABasedCreateUpdateMatchForDependentResources(false)
                    .withUseSSAToPatchPrimaryResource(false));
    operator.register(new NoOp());
    operator.start();
    return operator::stop;
  }

  private static double readyKiln(KilnTestCluster cluster) throws Exception {
    long start = System.nanoTime();
    try (KilnOperator op = cluster.startOperator(Map.of())) {
      HttpClient http = HttpClient.newHttpClient();
      URI ready = URI.create("http://127.0.0.1:" + op.httpPort() + "/readyz");
      while (http.send(
                  HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding())
              .statusCode()
          != 200) {
        Thread.sleep(10);
      }
      return (System.nanoTime() - start) / 1e9;
    }
  }

  private static double readyNoOp(KilnTestCluster cluster) throws Exception {
    long start = System.nanoTime();
    AutoCloseable op = noOpOperator(cluster.operatorClient(new RequestLog()));
    double s = (System.nanoTime() - start) / 1e9; // start() returns once informers synced
    op.close();
    return s;
  }

  private static long rssMiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
        }
      }
    } catch (Exception e) {
      // not Linux
    }
    return -1;
  }

  static Duration seconds(double s) {
    return Duration.ofMillis((long) (s * 1000));
  }
}
