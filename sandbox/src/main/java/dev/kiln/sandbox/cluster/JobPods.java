package dev.kiln.sandbox.cluster;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Job's terminated pods, counted once each, so a pod deleted later is not forgotten; and the last
 * failure, from which the retry back-off runs.
 */
final class JobPods {
  static final String INDEX = "batch.kubernetes.io/job-completion-index";

  final Set<String> succeeded = ConcurrentHashMap.newKeySet();
  final Set<String> failed = ConcurrentHashMap.newKeySet();
  final Set<Integer> completedIndexes = new TreeSet<>();
  Instant lastFailure = Instant.MIN;

  /** Counts the pods that terminated since the last look; returns those still active. */
  List<Pod> count(List<Pod> owned, Instant now) {
    List<Pod> active = new ArrayList<>();
    for (Pod p : owned) {
      String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
      if ("Succeeded".equals(phase)) {
        if (succeeded.add(p.getMetadata().getUid())) {
          index(p).ifPresent(completedIndexes::add);
        }
      } else if ("Failed".equals(phase)) {
        if (failed.add(p.getMetadata().getUid())) {
          lastFailure = now;
        }
      } else {
        active.add(p);
      }
    }
    return active;
  }

  /** The pods that count towards completions: indexes for Indexed Jobs, else successes. */
  int done(boolean indexed) {
    return indexed ? completedIndexes.size() : succeeded.size();
  }

  static Optional<Integer> index(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(INDEX);
    return value == null ? Optional.empty() : Optional.of(Integer.valueOf(value));
  }

  /** Kubernetes' completedIndexes form: "0-2,5". */
  static String ranges(Set<Integer> indexes) {
    List<String> parts = new ArrayList<>();
    Integer start = null;
    Integer prev = null;
    for (int i : indexes) {
      if (prev != null && i == prev + 1) {
        prev = i;
        continue;
      }
      if (start != null) {
        parts.add(start.equals(prev) ? "" + start : start + "-" + prev);
      }
      start = i;
      prev = i;
    }
    if (start != null) {
      parts.add(start.equals(prev) ? "" + start : start + "-" + prev);
    }
    return String.join(",", parts);
  }
}
