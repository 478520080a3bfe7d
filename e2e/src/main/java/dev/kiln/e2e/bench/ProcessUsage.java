package dev.kiln.e2e.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** This JVM's heap after a full GC, its resident set size and the CPU time it has used. */
record ProcessUsage(long heapMiB, long rssMiB, double cpuS) {

  static ProcessUsage now() {
    System.gc();
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
    return new ProcessUsage(heap, currentRssMiB(), currentCpuS());
  }

  /** CPU seconds of all this process's threads (JIT and GC included). */
  static double currentCpuS() {
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() / 1e9
        : Double.NaN;
  }

  /** In MiB, or -1 where /proc is missing (not Linux). */
  private static long currentRssMiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return -1;
  }
}
