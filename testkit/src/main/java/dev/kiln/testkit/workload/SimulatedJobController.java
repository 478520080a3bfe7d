package dev.kiln.testkit.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.testkit.api.StoredWrites;
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
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A simulated Job controller and kubelet for many Jobs at once: every Job that is stored and not
 * suspended becomes active with a running pod at once and succeeds after a run time drawn between
 * {@code minRun} and {@code maxRun} (the pod's trainer exits 0 with a metrics termination message),
 * with the status {@link ContainerStates} and {@link JobStatuses} build. A run's {@code -inspect}
 * Job ends as {@link #inspections} says: by default it finds model.onnx and no metrics file, which
 * agrees with what the simulated trainer reported. Each pod's container has the name its template
 * gives it. Used by the operator's integration tests and the scale benchmark; the sandbox has a
 * full Job controller.
 *
 * <p>It runs next to the API server and must leave it the CPU: it learns of Jobs from the store's
 * accepted writes ({@link StoredWrites}) instead of a watch, and writes plain JSON over HTTP (each
 * status replaced by one JSON patch, the pod created with its status, which the mock keeps). Its
 * requests do not carry the operator's mark, so injected faults do not touch it.
 */
public final class SimulatedJobController implements StoredWrites.Listener, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TRAINER_EXIT_MESSAGE = "{\"metrics\":{\"accuracy\":0.95}}";
  private static final String INSPECT_SUFFIX = "-inspect";

  /** How a container exits: its code and termination message. */
  public record Exit(int code, String message) {}

  /** The inspection of a run: model.onnx with a digest of its own, no metrics file. */
  public static final Function<String, Exit> FOUND_MODEL =
      trainingJob ->
          new Exit(
              0,
              InspectResults.artifact(
                  "model.onnx", InspectResults.sha256Of(trainingJob), 1024, "onnx"));

  /** A Job's own path or its collection: creates, updates and patches (not /status). */
  private static final Pattern JOB_WRITE =
      Pattern.compile("^/apis/batch/v1/namespaces/[^/]+/jobs(/[^/]+)?$");

  private final Duration minRun;
  private final Duration maxRun;
  private final Random random = new Random(7);
  private final Set<String> started = ConcurrentHashMap.newKeySet();
  private final JsonWrites writes = new JsonWrites();
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private volatile Function<String, Exit> inspections = FOUND_MODEL;

  public SimulatedJobController(Duration minRun, Duration maxRun) {
    this.minRun = minRun;
    this.maxRun = maxRun;
  }

  /**
   * How each run's inspect Job ends, by the TrainingJob's name ("namespace/name"): the inspect
   * container's exit code and termination message; a non-zero code fails the Job.
   */
  public void inspections(Function<String, Exit> inspections) {
    this.inspections = inspections;
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
    String container = containerName(job);
    writes.replaceStatus(jobPath, json(JobStatuses.active(new JobStatus(), startTime)));
    writes.send(
        "POST", "/api/v1/namespaces/" + namespace + "/pods", pod(job, namespace, name, container));
    Exit exit =
        name.endsWith(INSPECT_SUFFIX)
            ? inspections.apply(
                namespace + "/" + name.substring(0, name.length() - INSPECT_SUFFIX.length()))
            : new Exit(0, TRAINER_EXIT_MESSAGE);
    var unused =
        scheduler.schedule(
            () -> finish(namespace, name, container, exit, jobPath, startTime),
            runMillis(),
            TimeUnit.MILLISECONDS);
  }

  private long runMillis() {
    long span = maxRun.toMillis() - minRun.toMillis();
    synchronized (random) {
      return minRun.toMillis() + (span <= 0 ? 0 : (long) (random.nextDouble() * span));
    }
  }

  private void finish(
      String namespace, String name, String container, Exit exit, String jobPath, String start) {
    String now = JobStatuses.now();
    boolean ok = exit.code() == 0;
    writes.replaceStatus(
        "/api/v1/namespaces/" + namespace + "/pods/" + podName(name) + "/status",
        json(
            ContainerStates.pod(
                ContainerStates.status(
                    container,
                    ContainerStates.terminated(
                        exit.code(), ok ? "Completed" : "Error", exit.message(), now, now)))));
    JobStatus started = JobStatuses.active(new JobStatus(), start);
    writes.replaceStatus(
        jobPath,
        json(
            ok
                ? JobStatuses.finished(started, "Complete", "CompletionsReached", 0, 1, now)
                : JobStatuses.finished(started, "Failed", "BackoffLimitExceeded", 1, 0, now)));
  }

  /** The name the Job's template gives its (first) container. */
  private static String containerName(JsonNode job) {
    String name =
        job.path("spec")
            .path("template")
            .path("spec")
            .path("containers")
            .path(0)
            .path("name")
            .asText();
    return name.isEmpty() ? "trainer" : name;
  }

  /** The Job's pod: its template's labels and spec, its container running. */
  private static String pod(JsonNode job, String namespace, String jobName, String container) {
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
    PodStatus running =
        ContainerStates.pod(
            ContainerStates.status(container, ContainerStates.running(JobStatuses.now())));
    pod.set("status", read(json(running)));
    return pod.toString();
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
