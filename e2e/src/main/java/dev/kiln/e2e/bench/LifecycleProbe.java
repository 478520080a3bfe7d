package dev.kiln.e2e.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.testkit.api.StoredWrites;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The benchmark's figures, taken inside the API server from the writes it stores, on one clock:
 * when each TrainingJob was created, when its Job was, and which phases the TrainingJob's status
 * reached. No informer is needed for this in the operator's JVM.
 */
final class LifecycleProbe implements StoredWrites.Listener {
  private static final String TRAINING_JOB_LABEL = "kiln.dev/trainingjob";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Long> trainingJobCreated = new ConcurrentHashMap<>();
  private final Map<String, Long> jobCreated = new ConcurrentHashMap<>();
  private final Set<String> reachedRunning = ConcurrentHashMap.newKeySet();
  private final Set<String> succeeded = ConcurrentHashMap.newKeySet();

  /** Counts so far. */
  record Progress(int trainingJobs, int jobs, int reachedRunning, int succeeded) {}

  /** Creation → Job created, over the TrainingJobs that have a Job. */
  record Latencies(int count, double p50Ms, double p99Ms) {}

  @Override
  public void stored(String method, String path, byte[] body) {
    long now = System.nanoTime();
    String[] p = path.split("\\?", 2)[0].split("/", -1);
    // /apis/<group>/<version>/namespaces/<ns>/<plural>[/<name>[/status]]
    if (p.length < 7 || !p[1].equals("apis") || !p[4].equals("namespaces")) {
      return;
    }
    String group = p[2];
    String plural = p[6];
    boolean create = method.equals("POST") && p.length == 7;
    boolean update = (method.equals("PUT") || method.equals("PATCH")) && p.length >= 8;
    if (group.equals("kiln.dev") && plural.equals("trainingjobs") && (create || update)) {
      JsonNode tj = parse(body);
      String name = tj.path("metadata").path("name").asText();
      if (create) {
        trainingJobCreated.putIfAbsent(name, now);
      }
      String phase = tj.path("status").path("phase").asText();
      if (phase.equals(TrainingJobPhase.Running.name())
          || phase.equals(TrainingJobPhase.Succeeded.name())) {
        reachedRunning.add(name);
      }
      if (phase.equals(TrainingJobPhase.Succeeded.name())) {
        succeeded.add(name);
      }
    } else if (group.equals("batch") && plural.equals("jobs") && create) {
      String owner = parse(body).path("metadata").path("labels").path(TRAINING_JOB_LABEL).asText();
      if (!owner.isEmpty()) {
        jobCreated.putIfAbsent(owner, now);
      }
    }
  }

  Progress progress() {
    return new Progress(
        trainingJobCreated.size(), jobCreated.size(), reachedRunning.size(), succeeded.size());
  }

  Latencies latencies() {
    List<Double> ms = new ArrayList<>();
    trainingJobCreated.forEach(
        (name, created) -> {
          Long job = jobCreated.get(name);
          if (job != null) {
            ms.add(Math.max(0, job - created) / 1e6);
          }
        });
    Collections.sort(ms);
    return new Latencies(ms.size(), percentile(ms, 0.5), percentile(ms, 0.99));
  }

  static double percentile(List<Double> sorted, double p) {
    return sorted.isEmpty()
        ? Double.NaN
        : sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(sorted.size() * p)));
  }

  private static JsonNode parse(byte[] body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }
}
