package dev.kiln.modelserver;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loopback benchmark of the model server with the reference Iris model: p50/p99 latency and
 * requests per second at concurrency 1, 4 and 16, for a one-row and a 30-row infer request. Each
 * level is bounded in both count and time. Client and server share the machine. Not a test: it
 * asserts nothing. Run: {@code ./mvnw -B -pl images/trainer,images/model-server -Pbench package
 * -DskipTests}.
 */
public final class Benchmark {
  private static final int[] CONCURRENCY = {1, 4, 16};
  private static final int MAX_REQUESTS = Integer.getInteger("bench.requests", 20_000);
  private static final Duration MAX_TIME = Duration.ofSeconds(Long.getLong("bench.seconds", 10L));
  private static final Duration WARMUP = Duration.ofSeconds(3);

  private Benchmark() {}

  public static void main(String[] args) throws Exception {
    Path work = Files.createTempDirectory("kiln-bench");
    IrisModel iris = IrisModel.train(work, 30);
    try (ModelServer server =
        ModelServer.start(
            new String[] {"--model-dir", iris.dir.toString(), "--port", "0", "--host", "127.0.0.1"},
            Map.of("KILN_MODEL_NAME", "iris"))) {
      while (!server.isReady()) {
        Thread.onSpinWait();
      }
      URI infer =
          URI.create("http://127.0.0.1:" + server.address().getPort() + "/v2/models/iris/infer");
      IrisModel.Rows rows = iris.heldOut();
      String batch = rows.inferRequest();
      String single =
          new IrisModel.Rows(List.of(rows.features().get(0)), List.of(rows.labels().get(0)))
              .inferRequest();
      System.out.printf(
          Locale.ROOT,
          "kiln-model-server benchmark: Iris ONNX model, loopback, %d cores, java %s,"
              + " at most %d requests or %d s per level%n",
          Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.version"),
          MAX_REQUESTS,
          MAX_TIME.toSeconds());
      System.out.println("| rows/request | concurrency | requests | p50 ms | p99 ms | req/s |");
      System.out.println("|---:|---:|---:|---:|---:|---:|");
      for (String[] body : new String[][] {{"1", single}, {"30", batch}}) {
        run(infer, body[1], 4, WARMUP, Integer.MAX_VALUE); // warm-up, not reported
        for (int c : CONCURRENCY) {
          Result r = run(infer, body[1], c, MAX_TIME, MAX_REQUESTS);
          System.out.printf(
              Locale.ROOT,
              "| %s | %d | %d | %.3f | %.3f | %.0f |%n",
              body[0],
              c,
              r.count,
              r.p50Millis,
              r.p99Millis,
              r.perSecond);
          if (r.errors > 0) {
            System.out.println("  (" + r.errors + " requests failed)");
          }
        }
      }
    }
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "bench");
    t.setDaemon(true);
    return t;
  }

  private record Result(
      int count, int errors, double p50Millis, double p99Millis, double perSecond) {}

  private static Result run(
      URI uri, String body, int concurrency, Duration maxTime, int maxRequests) throws Exception {
    ExecutorService clientThreads = Executors.newFixedThreadPool(2, Benchmark::daemon);
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .executor(clientThreads)
            .build();
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    AtomicInteger issued = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    long deadline = System.nanoTime() + maxTime.toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency, Benchmark::daemon);
    long start = System.nanoTime();
    List<Future<long[]>> futures = new ArrayList<>();
    for (int t = 0; t < concurrency; t++) {
      futures.add(
          pool.submit(
              () -> {
                long[] lat = new long[1024];
                int n = 0;
                while (System.nanoTime() < deadline && issued.incrementAndGet() <= maxRequests) {
                  long t0 = System.nanoTime();
                  HttpResponse<String> response =
                      client.send(request, HttpResponse.BodyHandlers.ofString());
                  long elapsed = System.nanoTime() - t0;
                  if (response.statusCode() != 200) {
                    errors.incrementAndGet();
                  }
                  if (n == lat.length) {
                    lat = Arrays.copyOf(lat, n * 2);
                  }
                  lat[n++] = elapsed;
                }
                return Arrays.copyOf(lat, n);
              }));
    }
    List<long[]> parts = new ArrayList<>();
    for (Future<long[]> f : futures) {
      parts.add(f.get());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    clientThreads.shutdown();
    long[] all = parts.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    if (all.length == 0) {
      return new Result(0, errors.get(), 0, 0, 0);
    }
    return new Result(
        all.length,
        errors.get(),
        all[(int) Math.min(all.length - 1, Math.floor(all.length * 0.50))] / 1e6,
        all[(int) Math.min(all.length - 1, Math.floor(all.length * 0.99))] / 1e6,
        all.length / seconds);
  }
}
