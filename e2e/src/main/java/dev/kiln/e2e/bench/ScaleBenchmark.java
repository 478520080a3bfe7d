package dev.kiln.e2e.bench;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobSpec;
import dev.kiln.operator.KilnOperator;
import dev.kiln.operator.it.KilnTestCluster;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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

  /** A size the API server cannot serve in this time is reported as not finished. */
  private static final long DEADLINE_MIN = 15;

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
    List<Result> results = new ArrayList<>();
    for (int n : sizes) {
      results.add(run(n, false, options));
      results.add(run(n, true, options));
    }
    Result.printTable(results);
  }

  record Result(
      int n,
      boolean baseline,
      MockApiServer.Lookups lookups,
      double createS,
      double p50Ms,
      double p99Ms,
      double allRunningS,
      double allSucceededS,
      double jobsPerS,
      Map<String, Double> writesPerLifecycle,
      ProcessUsage operatorJvm,
      double operatorCpuS,
      ProcessUsage apiServerJvm,
      double apiServerCpuS,
      double readyS) {

    static void printTable(List<Result> results) {
      System.out.println();
      System.out.printf(
          "%-8s %-9s %-10s %9s %9s %9s %11s %13s %8s %9s %8s %9s%n",
          "N",
          "operator",
          "api server",
          "create s",
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
            "%-8d %-9s %-10s %9.1f %9s %9s %11s %13s %8s %9d %8d %9.2f%n",
            r.n,
            r.baseline ? "no-op" : "kiln",
            r.lookups == MockApiServer.Lookups.INDEXED ? "indexed" : "scan",
            r.createS,
            fmt(r.p50Ms),
            fmt(r.p99Ms),
            fmt(r.allRunningS),
            fmt(r.allSucceededS),
            fmt(r.jobsPerS),
            r.operatorJvm.heapMiB(),
            r.operatorJvm.rssMiB(),
            r.readyS);
      }
      System.out.println();
      System.out.println(
          "heap (after GC) and RSS are the operator's JVM; the API server's JVM is not in them."
              + " CPU used from the first create to the end of the run:");
      for (Result r : results) {
        System.out.printf(
            "  N=%d %s: operator JVM CPU %.1f s; API server JVM CPU %.1f s, heap %d MiB, RSS %d"
                + " MiB%n",
            r.n,
            r.baseline ? "no-op" : "kiln",
            r.operatorCpuS,
            r.apiServerCpuS,
            r.apiServerJvm.heapMiB(),
            r.apiServerJvm.rssMiB());
      }
      System.out.println();
      System.out.println("API writes per TrainingJob lifecycle (kiln), next to the minimum:");
      for (Result r : results) {
        if (r.baseline) {
          continue;
        }
        System.out.printf("  N=%d%n", r.n);
        Set<String> keys = new TreeSet<>(MINIMUM.keySet());
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

  static Result run(int n, boolean baseline, Options options) throws Exception {
    MockApiServer.Lookups lookups = options.lookups();
    WriteCounter writes = new WriteCounter();
    try (BenchClusterProcess cluster = BenchClusterProcess.start(lookups);
        KubernetesClient user = client(cluster.url());
        KubernetesClient operatorClient = client(cluster.url(), writes)) {
      AutoCloseable operator =
          baseline
              ? noOpOperator(operatorClient)
              : KilnOperator.start(
                  operatorClient, KilnTestCluster.config(Map.of()), Clock.systemUTC());
      double operatorCpu = ProcessUsage.currentCpuS();
      double apiServerCpu = cluster.usage().cpuS();
      long start = System.nanoTime();
      createTrainingJobs(user, n, options.createPerS());
      double createS = (System.nanoTime() - start) / 1e9;
      double runningS = Double.NaN;
      double succeededS = Double.NaN;
      if (!baseline) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(DEADLINE_MIN);
        LifecycleProbe.Progress p = cluster.progress();
        while (p.succeeded() < n && System.nanoTime() < deadline) {
          if (Double.isNaN(runningS) && p.reachedRunning() >= n) {
            runningS = (System.nanoTime() - start) / 1e9;
          }
          Thread.sleep(100);
          p = cluster.progress();
        }
        if (p.succeeded() >= n) {
          succeededS = (System.nanoTime() - start) / 1e9;
          if (Double.isNaN(runningS)) {
            runningS = succeededS; // reached Running between two polls
          }
        }
      }
      LifecycleProbe.Latencies latencies = cluster.latencies();
      Map<String, Double> perLifecycle = new TreeMap<>();
      writes.counts().forEach((k, v) -> perLifecycle.put(k, v / (double) n));
      ProcessUsage operatorJvm = ProcessUsage.now();
      ProcessUsage apiServerJvm = cluster.usage();
      operator.close();
      double readyS = baseline ? readyNoOp(cluster.url()) : readyKiln(cluster.url());
      Result r =
          new Result(
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

  private static KubernetesClient client(String url, Interceptor... interceptors) {
    return new KubernetesClientBuilder()
        .withConfig(MockApiServer.clientConfig(url))
        .withHttpClientBuilderConsumer(
            b -> {
              for (Interceptor i : interceptors) {
                b.addOrReplaceInterceptor(i.getClass().getSimpleName(), i);
              }
            })
        .build();
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

  /** A reconciler that does nothing: the cost of JOSDK's informers and the harness alone. */
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

  /** Start → /readyz answers 200, for a fresh operator with the N runs already present. */
  private static double readyKiln(String url) throws Exception {
    long start = System.nanoTime();
    try (KubernetesClient client = client(url);
        KilnOperator op =
            KilnOperator.start(client, KilnTestCluster.config(Map.of()), Clock.systemUTC())) {
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

  private static double readyNoOp(String url) throws Exception {
    try (KubernetesClient client = client(url)) {
      long start = System.nanoTime();
      AutoCloseable op = noOpOperator(client);
      double s = (System.nanoTime() - start) / 1e9; // start() returns once informers synced
      op.close();
      return s;
    }
  }
}
