package dev.kiln.e2e.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.testkit.api.StoredWrites;
import dev.kiln.testkit.workload.ContainerStates;
import dev.kiln.testkit.workload.JobStatuses;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays the Job controller and the kubelet for every Job Kiln creates: the Job becomes active with
 * a running pod at once and succeeds {@code runFor} later (the pod's trainer exits 0 with a metrics
 * termination message), as the test kit's {@link ContainerStates} and {@link JobStatuses} build
 * them.
 *
 * <p>It runs next to the API server and must leave it the CPU: it learns of new Jobs from the
 * store's accepted writes instead of a watch, and writes plain JSON over HTTP (two requests per
 * step: each status replaced by one JSON patch, the pod created with its status, which the mock
 * keeps) instead of a Kubernetes client that would parse every answer.
 */
final class SimulatedJobController implements StoredWrites.Listener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SimulatedJobController.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TRAINER_EXIT_MESSAGE = "{\"metrics\":{\"accuracy\":0.95}}";
  private static final int ATTEMPTS = 5;

  private final Duration runFor;

  /** Known once the server listens, which is after its dispatcher (and so this) is built. */
  private volatile URI apiServer;

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);

  SimulatedJobController(Duration runFor) {
    this.runFor = runFor;
  }

  /** Where to send the writes: the API server whose stored writes this listens to. */
  void connect(URI apiServer) {
    this.apiServer = apiServer;
  }

  /** A Job was created: run it (on the scheduler; this is the API server's thread). */
  @Override
  public void stored(String method, String path, byte[] object) {
    String collection = path.split("\\?", 2)[0];
    if (method.equals("POST")
        && collection.startsWith("/apis/batch/v1/namespaces/")
        && collection.endsWith("/jobs")) {
      scheduler.execute(() -> start(read(object)));
    }
  }

  private void start(JsonNode job) {
    if (job.path("spec").path("suspend").asBoolean(false)) {
      return; // resuming is not simulated: the benchmark's runs are never suspended
    }
    String namespace = job.path("metadata").path("namespace").asText();
    String name = job.path("metadata").path("name").asText();
    String jobPath = "/apis/batch/v1/namespaces/" + namespace + "/jobs/" + name + "/status";
    String startTime = JobStatuses.now();
    send("PATCH", jobPath, replaceStatus(JobStatuses.active(new JobStatus(), startTime)));
    send("POST", "/api/v1/namespaces/" + namespace + "/pods", pod(job, namespace, name));
    scheduler.schedule(
        () -> finish(namespace, name, jobPath, startTime),
        runFor.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void finish(String namespace, String name, String jobPath, String startTime) {
    String now = JobStatuses.now();
    send(
        "PATCH",
        "/api/v1/namespaces/" + namespace + "/pods/" + podName(name) + "/status",
        replaceStatus(
            trainer(ContainerStates.terminated(0, "Completed", TRAINER_EXIT_MESSAGE, now, now))));
    JobStatus started = JobStatuses.active(new JobStatus(), startTime);
    send(
        "PATCH",
        jobPath,
        replaceStatus(JobStatuses.finished(started, "Complete", "CompletionsReached", 0, 1, now)));
  }

  /** The Job's pod: its template's labels and spec, the trainer container running. */
  private static String pod(JsonNode job, String namespace, String jobName) {
    JsonNode template = job.path("spec").path("template");
    ObjectNode pod = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
    ObjectNode metadata = pod.putObject("metadata").put("name", podName(jobName));
    metadata.put("namespace", namespace).set("labels", template.path("metadata").path("labels"));
    pod.set("spec", template.path("spec"));
    pod.set(
        "status", read(Serialization.asJson(trainer(ContainerStates.running(JobStatuses.now())))));
    return pod.toString();
  }

  private static PodStatus trainer(ContainerState state) {
    return ContainerStates.pod(ContainerStates.status("trainer", state));
  }

  private static String podName(String jobName) {
    return jobName + "-pod";
  }

  /** One JSON patch that replaces /status whole (a merge patch would merge the lists). */
  private static String replaceStatus(Object status) {
    return "[{\"op\":\"add\",\"path\":\"/status\",\"value\":" + Serialization.asJson(status) + "}]";
  }

  /** Sends a write, retrying a few times: a lost step would leave its run unfinished. */
  private void send(String method, String path, String body) {
    HttpRequest request =
        HttpRequest.newBuilder(apiServer.resolve(path))
            .header(
                "Content-Type",
                method.equals("PATCH") ? "application/json-patch+json" : "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .build();
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        int code = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (code / 100 == 2 || (method.equals("POST") && code == 409)) {
          return; // 409: an earlier attempt created it
        }
        log.warn("simulated Job controller: {} {} answered {}", method, path, code);
      } catch (IOException e) {
        log.warn("simulated Job controller: {} {} failed: {}", method, path, e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      pause(attempt);
    }
    log.error("simulated Job controller: gave up on {} {}", method, path);
  }

  private static void pause(int attempt) {
    try {
      Thread.sleep(200L * attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static JsonNode read(byte[] json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode read(String json) {
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
