package dev.kiln.e2e.bench;

import dev.kiln.testkit.api.MockApiServer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** One benchmark run's figures, and the tables that print them. */
record BenchResult(
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

  static void printTable(List<BenchResult> results) {
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
    for (BenchResult r : results) {
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
    printCpu(results);
    printWrites(results);
  }

  private static void printCpu(List<BenchResult> results) {
    System.out.println();
    System.out.println(
        "heap (after GC) and RSS are the operator's JVM; the API server's JVM is not in them."
            + " CPU used from the first create to the end of the run:");
    for (BenchResult r : results) {
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
  }

  private static void printWrites(List<BenchResult> results) {
    System.out.println();
    System.out.println("API writes per TrainingJob lifecycle (kiln), next to the minimum:");
    for (BenchResult r : results) {
      if (r.baseline) {
        continue;
      }
      System.out.printf("  N=%d%n", r.n);
      Set<String> keys = new TreeSet<>(ScaleBenchmark.MINIMUM.keySet());
      keys.addAll(r.writesPerLifecycle.keySet());
      for (String k : keys) {
        System.out.printf(
            "    %-40s %6.2f   (minimum %d)%n",
            k,
            r.writesPerLifecycle.getOrDefault(k, 0.0),
            ScaleBenchmark.MINIMUM.getOrDefault(k, 0));
      }
    }
  }

  private static String fmt(double d) {
    return Double.isNaN(d) ? "-" : String.format("%.1f", d);
  }
}
