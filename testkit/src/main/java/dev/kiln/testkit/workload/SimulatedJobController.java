package dev.kiln.testkit.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.testkit.api.StoredWrites;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A simulated Job controller and kubelet for many Jobs at once: every Job that is stored and not
 * suspended becomes active with a running pod at once and succeeds after a run time drawn between
 * {@code minRun} and {@code maxRun} (the pod's trainer exits 0 with a metrics termination message),
 * with the status {@link ContainerStates} and {@link JobStatuses} build. Used by the operator's
 * integration tests and the scale benchmark; the sandbox has a full Job controller.
 *
 * <p>It runs next to the API server and must leave it the CPU: it learns of Jobs from the store's
 * accepted writes ({@link StoredWrites}) instead of a watch, and writes plain JSON over HTTP (each
 * status replaced by one JSON patch, the pod created with its status, which the mock keeps). Its
 * requests do not carry the operator's mark, so injected faults do not touch it.
 */
public final class SimulatedJobController implements StoredWrites.Listener, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TRAINER_EXIT_MESSAGE = "{\"metrics\":{\"accuracy\":0.95}}";

  /** A Job's own path or its collection: creates, updates and patches (not /status). */
  private static final Pattern JOB_WRITE =
      Pattern.compile("^/apis/batch/v1/namespaces/[^/]+/jobs(/[^/]+)?$");

  private final Duration minRun;
  private final Duration maxRun;
  private final Random random = new Random(7);
  private final Set<String> started = ConcurrentHashMap.newKeySet();
  private final JsonWrites writes = new JsonWrites();
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);

  public SimulatedJobController(Duration minRun, Duration maxRun) {
    this.minRun = minRun;
    this.maxRun = maxRun;
  }

  /** Where to send the writes: the API server whose stored writes this listens to. */
  public void connect(URI apiServer) {
    writes.connect(apiServer);
  }

  /** A Job was stored: run it (on the scheduler; this is the API server's thread). */
  @Override
  public void stored(String method, String path, byte[] object) {
    if (JOB_WRITE.matcher(path.split("\\?", 2)[0]).matches()) {
      scheduler.execute(() -> run(read(object)));
    }
  }

  /** A Job that existed before this listened (as the API server serialized it). */
  public void existing(String jobJson) {
    scheduler.execute(() -> run(read(jobJson)));
  }

  private void run(JsonNode job) {
    String namespace = job.path("metadata").path("namespace").asText();
    String name = job.path("metadata").path("name").asText();
    if (job.path("spec").path("suspend").asBoolean(false) || !started.add(namespace + "/" + name)) {
      return;
    }
    String jobPath = "/apis/batch/v1/namespaces/" + namespace + "/jobs/" + name + "/status";
    String startTime = JobStatuses.now();
    writes.replaceStatus(jobPath, json(JobStatuses.active(new JobStatus(), startTime)));
    writes.send("POST", "/api/v1/namespaces/" + namespace + "/pods", pod(job, namespace, name));
    var unused =
        scheduler.schedule(
            () -> finish(namespace, name, jobPath, startTime), runMillis(), TimeUnit.MILLISECONDS);
  }

  private long runMillis() {
    long span = maxRun.toMillis() - minRun.toMillis();
    synchronized (random) {
      return minRun.toMillis() + (span <= 0 ? 0 : (long) (random.nextDouble() * span));
    }
  }

  private void finish(String namespace, String name, String jobPath, String startTime) {
    String now = JobStatuses.now();
    writes.replaceStatus(
        "/api/v1/namespaces/" + namespace + "/pods/" + podName(name) + "/status",
        json(trainer(ContainerStates.terminated(0, "Completed", TRAINER_EXIT_MESSAGE, now, now))));
    JobStatus started = JobStatuses.active(new JobStatus(), startTime);
    writes.replaceStatus(
        jobPath, json(JobStatuses.finished(started, "Complete", "CompletionsReached", 0, 1, now)));
  }

  /** The Job's pod: its template's labels and spec, the trainer container running. */
  private static String pod(JsonNode job, String namespace, String jobName) {
    JsonNode template = job.path("spec").path("template");
    ObjectNode pod = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
    ObjectNode metadata = pod.putObject("metadata").put("name", podName(jobName));
    metadata.put("namespace", namespace).set("labels", template.path("metadata").path("labels"));
    // The Job controller owns its pods: Kiln counts a pod only when its Job is its controller.
    metadata
        .putArray("ownerReferences")
        .addObject()
        .put("apiVersion", "batch/v1")
        .put("kind", "Job")
        .put("name", jobName)
        .put("uid", job.path("metadata").path("uid").asText())
        .put("controller", true);
    pod.set("spec", template.path("spec"));
    pod.set("status", read(json(trainer(ContainerStates.running(JobStatuses.now())))));
    return pod.toString();
  }

  private static PodStatus trainer(ContainerState state) {
    return ContainerStates.pod(ContainerStates.status("trainer", state));
  }

  private static String podName(String jobName) {
    return jobName + "-pod";
  }

  private static String json(Object status) {
    return Serialization.asJson(status);
  }

  private static JsonNode read(String json) {
    return read(json.getBytes(StandardCharsets.UTF_8));
  }

  private static JsonNode read(byte[] json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
