package dev.kiln.e2e.bench;

import dev.kiln.testkit.api.MockApiServer;
import dev.kiln.testkit.api.StoredWrites;
import dev.kiln.testkit.workload.SimulatedJobController;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's cluster in a JVM of its own, so that the operator's JVM holds only the operator:
 * the mock API server, the simulated Job controller and the probe that takes the figures. Started
 * by {@link BenchClusterProcess}; prints {@code kiln-bench ready <port>}, then answers one line per
 * command read from stdin ({@code progress}, {@code latencies}, {@code usage}) and exits when stdin
 * closes.
 */
public final class BenchClusterMain {
  static final String PREFIX = "kiln-bench ";

  private BenchClusterMain() {}

  /** Argument: the store's {@link MockApiServer.Lookups}. */
  public static void main(String[] args) {
    try {
      serve(MockApiServer.Lookups.valueOf(args.length > 0 ? args[0] : "INDEXED"));
      System.exit(0); // Vert.x and client threads would keep the JVM up otherwise
    } catch (IOException | RuntimeException e) {
      e.printStackTrace();
      System.exit(1);
    }
  }

  private static void serve(MockApiServer.Lookups lookups) throws IOException {
    LifecycleProbe probe = new LifecycleProbe();
    try (SimulatedJobController jobs =
            new SimulatedJobController(Duration.ofSeconds(1), Duration.ofSeconds(1));
        MockApiServer api =
            MockApiServer.builder()
                .lookups(lookups)
                .around(store -> new StoredWrites(store, List.of(probe, jobs)))
                .forgetServedRequests()
                .kilnCrdsFromClasspath()
                .start()) {
      jobs.connect(URI.create(api.url()));
      reply("ready " + api.port());
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String command; (command = in.readLine()) != null; ) {
        reply(answer(command.trim(), probe));
      }
    }
  }

  private static String answer(String command, LifecycleProbe probe) {
    switch (command) {
      case "progress" -> {
        LifecycleProbe.Progress p = probe.progress();
        return String.format(
            "progress %d %d %d %d", p.trainingJobs(), p.jobs(), p.reachedRunning(), p.succeeded());
      }
      case "latencies" -> {
        LifecycleProbe.Latencies l = probe.latencies();
        return String.format(Locale.ROOT, "latencies %d %f %f", l.count(), l.p50Ms(), l.p99Ms());
      }
      case "usage" -> {
        ProcessUsage u = ProcessUsage.now();
        return String.format(Locale.ROOT, "usage %d %d %f", u.heapMiB(), u.rssMiB(), u.cpuS());
      }
      default -> {
        return "error unknown command " + command;
      }
    }
  }

  private static void reply(String line) {
    System.out.println(PREFIX + line);
    System.out.flush();
  }
}
