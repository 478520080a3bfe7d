package dev.kiln.operator.bench;

import dev.kiln.operator.KilnOperator;
import dev.kiln.operator.it.KilnTestCluster;
import dev.kiln.testkit.api.RequestLog;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prints how many progress reports per second the report endpoint accepts on this machine, and the
 * status writes they cause. Not a test: it asserts nothing and only prints figures.
 *
 * <p>Run: {@code ./mvnw -q -pl operator test-compile exec:java@report-bench} (after {@code ./mvnw
 * -q install -DskipTests}). Loopback only; bounded in time.
 */
public final class ReportEndpointBenchmark {
  private ReportEndpointBenchmark() {}

  public static void main(String[] args) throws Exception {
    java.util.logging.Logger.getLogger("io.fabric8.mockwebserver")
        .setLevel(java.util.logging.Level.WARNING);
    int jobs = 10;
    int interval = 10;
    Duration duration = Duration.ofSeconds(20);
    System.out.printf(
        "report endpoint benchmark: %d jobs, report interval %ds, %ds per concurrency level%n",
        jobs, interval, duration.toSeconds());
    System.out.printf(
        "%-12s %14s %10s %14s %18s%n",
        "concurrency", "reports/s", "p99 ms", "status writes", "writes/job/minute");
    for (int threads : new int[] {1, 4, 16}) {
      run(jobs, threads, interval, duration);
    }
  }

  private static void run(int jobs, int threads, int interval, Duration duration) throws Exception {
    RequestLog requests = new RequestLog();
    try (KilnTestCluster cluster = new KilnTestCluster();
        KilnOperator operator =
            cluster.startOperator(
                Map.of(
                    "KILN_REPORT_INTERVAL_SECONDS",
                    Integer.toString(interval),
                    "KILN_REPORT_RATE_LIMIT",
                    "1000000"),
                requests)) {
      List<String> tokens = new ArrayList<>();
      for (int i = 0; i < jobs; i++) {
        tokens.add(createRunningJob(cluster, "bench-" + i));
      }
      long writesBefore = statusWrites(requests);
      HttpClient http =
          HttpClient.newBuilder().executor(Executors.newFixedThreadPool(threads)).build();
      AtomicLong accepted = new AtomicLong();
      List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
      long end = System.nanoTime() + duration.toNanos();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int worker = t;
        workers.add(
            pool.submit(
                () -> {
                  long step = 0;
                  while (System.nanoTime() < end) {
                    int job = (int) ((worker + step) % jobs);
                    long start = System.nanoTime();
                    HttpResponse<Void> r =
                        http.send(
                            HttpRequest.newBuilder(
                                    URI.create(
                                        "http://127.0.0.1:"
                                            + operator.reportPort()
                                            + "/v1/namespaces/"
                                            + KilnTestCluster.NS
                                            + "/trainingjobs/bench-"
                                            + job
                                            + "/report"))
                                .header("Authorization", "Bearer " + tokens.get(job))
                                .POST(
                                    HttpRequest.BodyPublishers.ofString(
                                        "{\"step\":"
                                            + ++step
                                            + ",\"totalSteps\":100000000,\"metrics\":{\"loss\":0.5}}"))
                                .build(),
                            HttpResponse.BodyHandlers.discarding());
                    latencies.add(System.nanoTime() - start);
                    if (r.statusCode() == 202) {
                      accepted.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> w : workers) {
        w.get();
      }
      pool.shutdown();
      // Let the trailing coalesced writes land.
      Thread.sleep(interval * 1000L + 500);
      long writes = statusWrites(requests) - writesBefore;
      double seconds = duration.toMillis() / 1000.0;
      List<Long> sorted = latencies.stream().sorted().toList();
      double p99 = sorted.get((int) (sorted.size() * 0.99)) / 1e6;
      System.out.printf(
          "%-12d %14.0f %10.1f %14d %18.1f%n",
          threads,
          accepted.get() / seconds,
          p99,
          writes,
          writes / (double) jobs / ((seconds + interval) / 60.0));
    }
  }

  private static long statusWrites(RequestLog requests) {
    return requests.writes().stream().filter(r -> r.path().endsWith("/status")).count();
  }

  private static String createRunningJob(KilnTestCluster cluster, String name) throws Exception {
    var tj = new dev.kiln.api.v1alpha1.TrainingJob();
    tj.setMetadata(
        new ObjectMetaBuilder().withName(name).withNamespace(KilnTestCluster.NS).build());
    var spec = new dev.kiln.api.v1alpha1.TrainingJobSpec();
    spec.setImage("trainer:1");
    tj.setSpec(spec);
    cluster.client().resource(tj).create();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    // The Job is created last, after the token Secret.
    while (cluster
            .client()
            .batch()
            .v1()
            .jobs()
            .inNamespace(KilnTestCluster.NS)
            .withName(name + "-1")
            .get()
        == null) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the operator did not create " + name + "'s Job");
      }
      Thread.sleep(20);
    }
    cluster.jobActive(name + "-1");
    cluster.pod(name, name + "-1-a", KilnTestCluster.running());
    return cluster.reportToken(name);
  }
}
