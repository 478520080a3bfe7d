package dev.kiln.e2e.sandbox.cluster;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Addresses without a network namespace: every pod gets its own loopback address (127.0.x.y from
 * 127.0.0.2 on; Linux routes all of 127.0.0.0/8 to the loopback device), so two replicas of a
 * server can both listen on port 8080. Services get addresses from 127.1.0.0/16 (see {@link
 * ServiceProxy}).
 */
final class PodNetwork {
  private final AtomicInteger nextPod = new AtomicInteger(2);
  private final AtomicInteger nextService = new AtomicInteger(1);

  String allocate() {
    return address(127, 0, nextPod.getAndIncrement());
  }

  String allocateService() {
    return address(127, 1, nextService.getAndIncrement());
  }

  private static String address(int a, int b, int n) {
    // Skip .0 and .255 in the last octet.
    int hosts = 254;
    int c = (n - 1) / hosts;
    int d = (n - 1) % hosts + 1;
    if (c > 255) {
      throw new IllegalStateException("the sandbox ran out of loopback addresses");
    }
    return a + "." + b + "." + c + "." + d;
  }
}
