package dev.kiln.sandbox.cluster;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pods a controller created that its informer has not shown yet. Until they appear (or 10 s
 * pass) the controller creates no more for that owner, so a reconcile that runs before the cache
 * caught up does not create duplicates, as Kubernetes' controllers do with their expectations.
 */
final class CreationExpectations {
  private static final Duration PATIENCE = Duration.ofSeconds(10);
  private final Clock clock;
  private final Map<String, Map<String, Instant>> pending = new ConcurrentHashMap<>();

  CreationExpectations(Clock clock) {
    this.clock = clock;
  }

  void created(String ownerUid, String podName) {
    pending.computeIfAbsent(ownerUid, u -> new ConcurrentHashMap<>()).put(podName, clock.instant());
  }

  /** Whether every pod created for the owner is in {@code seen} (or has been waited for long). */
  boolean satisfied(String ownerUid, List<Pod> seen) {
    Map<String, Instant> names = pending.get(ownerUid);
    if (names == null) {
      return true;
    }
    Set<String> seenNames = ConcurrentHashMap.newKeySet();
    seen.forEach(p -> seenNames.add(p.getMetadata().getName()));
    Instant giveUp = clock.instant().minus(PATIENCE);
    names.entrySet().removeIf(e -> seenNames.contains(e.getKey()) || e.getValue().isBefore(giveUp));
    return names.isEmpty();
  }
}
