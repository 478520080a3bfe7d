package dev.kiln.e2e.bench;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobSpec;
import dev.kiln.testkit.api.MockApiServer;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real operator for N TrainingJobs against a mock API server and a simulated Job
 * controller, and prints one table of figures. Not a test: nothing is asserted.
 *
 * <p>The API server (fabric8's mock in CRUD mode, lookups indexed: {@link IndexedCrudDispatcher}),
 * the simulated Job controller and the probe that times the runs live in a child JVM ({@link
 * BenchClusterProcess}), so the heap and RSS figures are the operator's JVM's alone: the operator,
 * the client that creates the TrainingJobs and, under exec:java, Maven itself (the no-op row shows
 * that floor).
 *
 * <p>{@code ./mvnw -q install -DskipTests && ./mvnw -q -pl e2e exec:java@scale-bench
 * [-Dexec.args="100 1000 10000"]}; add {@code --lookups=scan} to the arguments for fabric8's stock
 * store (a scan of every object per request) instead of the indexed one.
 */
public final class ScaleBenchmark {
  /**
   * Writes one lifecycle needs at least: 4 creates (workspace, token Secret, the training Job and
   * the inspect Job that records the model), 4 status writes (Pending, Running, InspectingModel,
   * Succeeded), 3 Events.
   */
  static final Map<String, Integer> MINIMUM =
      new TreeMap<>(
          Map.of(
              "create /persistentvolumeclaims", 1,
              "create /secrets", 1,
              "create batch/jobs", 2,
              "create /events", 3,
              "update kiln.dev/trainingjobs/status", 4));

  /** A size the API server cannot serve in this time is reported as not finished. */
  private static final long DEADLINE_MIN = 15;

  /** Where the user creates the TrainingJobs. */
  private static final String NAMESPACE = "team-a";

  private ScaleBenchmark() {}

  /**
   * How to run: the store's lookups, and how fast the user creates TrainingJobs (0: at once, from
   * four threads; otherwise so many per second, to see latency when the cluster keeps up).
   */
  record Options(MockApiServer.Lookups lookups, double createPerS) {
    String describe() {
      return "API server: fabric8 mock (CRUD mode) in a child JVM with the simulated Job"
          + " controller, "
          + (lookups == MockApiServer.Lookups.INDEXED
              ? "lookups indexed by plural/namespace/name"
              : "fabric8's stock lookups (a scan of the store per request)")
          + "; TrainingJobs created "
          + (createPerS > 0 ? createPerS + " per second" : "all at once from 4 threads");
    }
  }

  public static void main(String[] args) throws Exception {
    List<Integer> sizes = new ArrayList<>();
    MockApiServer.Lookups lookups = MockApiServer.Lookups.INDEXED;
    double createPerS = 0;
    for (String a : args) {
      if (a.startsWith("--lookups=")) {
        lookups =
            MockApiServer.Lookups.valueOf(
                a.substring("--lookups=".length()).toUpperCase(Locale.ROOT));
      } else if (a.startsWith("--rate=")) {
        createPerS = Double.parseDouble(a.substring("--rate=".length()));
      } else {
        sizes.add(Integer.parseInt(a));
      }
    }
    if (sizes.isEmpty()) {
      sizes = List.of(100, 1000);
    }
    Options options = new Options(lookups, createPerS);
    System.out.printf(
        "Kiln scale benchmark, %d cores, operator JVM max heap %d MiB%n%s%n",
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20,
        options.describe());
    List<BenchResult> results = new ArrayList<>();
    for (int n : sizes) {
      results.add(run(n, false, options));
      results.add(run(n, true, options));
    }
    BenchResult.printTable(results);
  }

  static BenchResult run(int n, boolean baseline, Options options) throws Exception {
    MockApiServer.Lookups lookups = options.lookups();
    WriteCounter writes = new WriteCounter();
    try (BenchClusterProcess cluster = BenchClusterProcess.start(lookups);
        KubernetesClient user = BenchOperators.client(cluster.url());
        KubernetesClient operatorClient = BenchOperators.client(cluster.url(), writes)) {
      AutoCloseable operator =
          baseline
              ? BenchOperators.noOpOperator(operatorClient)
              : BenchOperators.kiln(operatorClient);
      double operatorCpu = ProcessUsage.currentCpuS();
      double apiServerCpu = cluster.usage().cpuS();
      long start = System.nanoTime();
      createTrainingJobs(user, n, options.createPerS());
      double createS = (System.nanoTime() - start) / 1e9;
      Timings t = baseline ? Timings.NONE : awaitLifecycles(cluster, n, start);
      double runningS = t.allRunningS();
      double succeededS = t.allSucceededS();
      LifecycleProbe.Latencies latencies = cluster.latencies();
      Map<String, Double> perLifecycle = new TreeMap<>();
      writes.counts().forEach((k, v) -> perLifecycle.put(k, v / (double) n));
      ProcessUsage operatorJvm = ProcessUsage.now();
      ProcessUsage apiServerJvm = cluster.usage();
      operator.close();
      double readyS =
          baseline
              ? BenchOperators.readyNoOp(cluster.url())
              : BenchOperators.readyKiln(cluster.url());
      BenchResult r =
          new BenchResult(
              n,
              baseline,
              lookups,
              createS,
              latencies.p50Ms(),
              latencies.p99Ms(),
              runningS,
              succeededS,
              baseline ? Double.NaN : n / succeededS,
              perLifecycle,
              operatorJvm,
              operatorJvm.cpuS() - operatorCpu,
              apiServerJvm,
              apiServerJvm.cpuS() - apiServerCpu,
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

  /** Seconds from the first create until all runs were Running and all Succeeded (NaN: not). */
  record Timings(double allRunningS, double allSucceededS) {
    static final Timings NONE = new Timings(Double.NaN, Double.NaN);
  }

  private static Timings awaitLifecycles(BenchClusterProcess cluster, int n, long start)
      throws Exception {
    double runningS = Double.NaN;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(DEADLINE_MIN);
    LifecycleProbe.Progress p = cluster.progress();
    while (p.succeeded() < n && System.nanoTime() < deadline) {
      if (Double.isNaN(runningS) && p.reachedRunning() >= n) {
        runningS = (System.nanoTime() - start) / 1e9;
      }
      Thread.sleep(100);
      p = cluster.progress();
    }
    if (p.succeeded() < n) {
      return new Timings(runningS, Double.NaN);
    }
    double succeededS = (System.nanoTime() - start) / 1e9;
    // NaN: reached Running between two polls
    return new Timings(Double.isNaN(runningS) ? succeededS : runningS, succeededS);
  }

  /** The user: creates N TrainingJobs from four threads, at once or {@code perS} a second. */
  private static void createTrainingJobs(KubernetesClient client, int n, double perS)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> creates = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        if (perS > 0) {
          long due = start + (long) (i * 1e9 / perS);
          TimeUnit.NANOSECONDS.sleep(due - System.nanoTime()); // pacing, not waiting for state
        }
        String name = "bench-" + i;
        creates.add(pool.submit(() -> client.resource(trainingJob(name)).create()));
      }
      for (Future<?> f : creates) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  private static TrainingJob trainingJob(String name) {
    TrainingJob tj = new TrainingJob();
    tj.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build());
    TrainingJobSpec spec = new TrainingJobSpec();
    spec.setImage("trainer:1");
    tj.setSpec(spec);
    return tj;
  }
}
