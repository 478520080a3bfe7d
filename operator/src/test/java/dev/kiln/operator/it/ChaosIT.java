package dev.kiln.operator.it;

import static dev.kiln.operator.it.KilnTestCluster.NS;
import static dev.kiln.operator.it.ModelServerHelper.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.api.v1alpha1.ModelServerPhase;
import dev.kiln.api.v1alpha1.ModelServerStatus;
import dev.kiln.api.v1alpha1.ModelSource;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.api.v1alpha1.TrainingJobStatus;
import dev.kiln.operator.KilnOperator;
import dev.kiln.testkit.api.FaultyDispatcher;
import dev.kiln.testkit.api.RequestLog;
import dev.kiln.testkit.workload.InspectResults;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chaos beyond {@link ResilienceIT}: the operator killed in the middle of a ModelServer roll-out
 * and of a flood of progress reports, and the API server ending the operator's watches every 5 s
 * for a minute. Each run ends converged: nothing lost from any status, no child twice.
 */
class ChaosIT {
  static {
    // Status fields are read while the operator may not have written them yet: an exception
    // there means "not yet", like a failed assertion, until the wait times out.
    org.awaitility.Awaitility.ignoreExceptionsByDefault();
  }

  private static final Duration WAIT = Duration.ofSeconds(30);

  /** Reports each trainer has accepted before the kill, and again after the restart. */
  private static final int FLOOD = 500;

  private KilnTestCluster cluster;
  private Killable operator;
  private Watch phases;
  private final Map<String, List<TrainingJobPhase>> seen = new ConcurrentHashMap<>();

  @BeforeEach
  void start() {
    cluster = new KilnTestCluster();
    // The test's own watch (not the operator's, so never dropped): every phase a run shows.
    phases =
        cluster
            .client()
            .resources(TrainingJob.class)
            .inNamespace(NS)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, TrainingJob tj) {
                    if (tj.getStatus() != null && tj.getStatus().getPhase() != null) {
                      seen.computeIfAbsent(
                              tj.getMetadata().getName(), k -> new CopyOnWriteArrayList<>())
                          .add(tj.getStatus().getPhase());
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
  }

  @AfterEach
  void stop() {
    phases.close();
    if (operator != null) {
      operator.kill();
    }
    cluster.close();
  }

  /**
   * A {@code latest} ModelServer rolls from one run's model to a newer one. The operator dies right
   * after it replaced the Deployment, before it wrote the ModelServer's status, and again while the
   * Deployment controller rolls out. The third operator finishes the roll-out.
   */
  @Test
  void operatorKilledTwiceDuringAModelServerRollOutFinishesIt() {
    ModelServerHelper k = new ModelServerHelper(cluster);
    operator = Killable.start(cluster, Map.of());
    var iris = Map.of("app", "iris");
    k.trainingJob("iris-a", iris);
    k.trainingJob("iris-b", iris);
    await().atMost(WAIT).until(() -> cluster.jobs().size() == 2);
    k.trainingSucceeds("iris-a", "2026-01-01T10:00:00Z", "{\"accuracy\":0.91}");
    cluster
        .client()
        .resource(
            server(
                "latest",
                ModelSource.builder()
                    .latest(
                        new ModelSource.Latest(
                            new LabelSelectorBuilder().withMatchLabels(iris).build()))
                    .build()))
        .create();
    await().atMost(WAIT).until(() -> ModelServerIT.modelOf(k.deployment("latest")) != null);
    k.serverPod("latest", "latest-a", ModelServerHelper.serving(), true);
    k.deploymentStatus("latest", 1);
    await()
        .atMost(WAIT)
        .until(() -> k.get("latest").getStatus().getPhase() == ModelServerPhase.Ready);
    TrainingJobStatus servedBefore = cluster.get("iris-a").getStatus();

    // The newer run completes; the operator replaces the Deployment and dies at that moment.
    cluster
        .faults()
        .outageAfter(
            r ->
                !r.getMethod().equals("GET")
                    && r.getPath().startsWith("/apis/apps/v1/namespaces/" + NS + "/deployments/"));
    k.trainingSucceeds("iris-b", "2026-01-01T11:00:00Z", "{\"accuracy\":0.95}");
    await()
        .atMost(WAIT)
        .until(
            () ->
                "pvc://iris-b-workspace/model/model.onnx"
                    .equals(ModelServerIT.modelOf(k.deployment("latest"))));
    operator.kill();
    assertThat(k.get("latest").getStatus().getModel().getTrainingJob())
        .as("killed before the status said what the Deployment serves")
        .isEqualTo("iris-a");
    cluster.faults().outage(false);
    operator = Killable.start(cluster, Map.of());

    // Mid roll-out: one new replica surged, the old one still serving. The operator dies again.
    k.deploymentRollingOut("latest");
    operator.kill();
    operator = Killable.start(cluster, Map.of());
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ModelServerStatus s = k.get("latest").getStatus();
              assertThat(s.getModel().getTrainingJob()).isEqualTo("iris-b");
              assertThat(ModelServerIT.condition(s, "Progressing").getReason())
                  .isEqualTo("RollingOut");
              assertThat(s.getPhase()).isEqualTo(ModelServerPhase.Ready);
            });
    k.serverPod("latest", "latest-b", ModelServerHelper.serving(), true);
    k.deploymentStatus("latest", 1);

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ModelServerStatus s = k.get("latest").getStatus();
              assertThat(s.getPhase()).isEqualTo(ModelServerPhase.Ready);
              assertThat(ModelServerIT.condition(s, "Progressing").getReason())
                  .isEqualTo("RolloutComplete");
              assertThat(ModelServerIT.condition(s, "Ready").getStatus()).isEqualTo("True");
              assertThat(s.getReadyReplicas()).isEqualTo(1);
              assertThat(s.getUrl()).isEqualTo("http://latest.team-a.svc.cluster.local:8080");
              assertThat(s.getModel().getTrainingJob()).isEqualTo("iris-b");
              assertThat(s.getModel().getTrainingJobUid())
                  .isEqualTo(cluster.get("iris-b").getMetadata().getUid());
              assertThat(s.getModel().getSha256()).isEqualTo(ModelServerHelper.sha("iris-b"));
              assertThat(s.getModel().getUri())
                  .isEqualTo("pvc://iris-b-workspace/model/model.onnx");
            });
    assertThat(ModelServerIT.modelOf(k.deployment("latest")))
        .isEqualTo("pvc://iris-b-workspace/model/model.onnx");
    var byServer = Map.of("kiln.dev/modelserver", "latest");
    assertThat(cluster.client().apps().deployments().inNamespace(NS).withLabels(byServer).list())
        .satisfies(l -> assertThat(l.getItems()).hasSize(1));
    assertThat(cluster.client().services().inNamespace(NS).withLabels(byServer).list())
        .satisfies(l -> assertThat(l.getItems()).hasSize(1));
    // The training runs: the served one untouched by three operators, the newer one complete.
    assertThat(cluster.get("iris-a").getStatus()).isEqualTo(servedBefore);
    TrainingJobStatus newer = cluster.get("iris-b").getStatus();
    assertThat(newer.getPhase()).isEqualTo(TrainingJobPhase.Succeeded);
    assertThat(newer.getCompletionTime()).isEqualTo("2026-01-01T11:00:00Z");
    assertThat(newer.getMetrics()).containsEntry("accuracy", "0.95");
    assertThat(newer.getArtifact().getSha256()).isEqualTo(ModelServerHelper.sha("iris-b"));
    assertThat(newer.getArtifact().getUri()).isEqualTo("pvc://iris-b-workspace/model/model.onnx");
    cluster.assertOneJobEachAndNoRegression(List.of("iris-a", "iris-b"), seen);
  }

  /**
   * Three trainers post progress as fast as the endpoint answers; the operator is killed mid-flood
   * and the trainers go on posting to the new one (the signing key is mounted, so their tokens stay
   * valid). Each run's status ends with its last report, then with its final result.
   */
  @Test
  void operatorKilledDuringAReportFloodLosesNeitherTheLastReportNorTheFinalStatus(
      @TempDir Path keys) throws Exception {
    Path key = keys.resolve("report-key");
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    Files.write(key, secret);
    Map<String, String> env =
        Map.of(
            "KILN_REPORT_KEY_FILE", key.toString(),
            "KILN_REPORT_INTERVAL_SECONDS", "1",
            "KILN_REPORT_RATE_LIMIT", "100000");
    operator = Killable.start(cluster, env);
    List<String> names = List.of("flood-0", "flood-1", "flood-2");
    List<Trainer> trainers = new ArrayList<>();
    for (String name : names) {
      trainers.add(new Trainer(name, runningJob(name)));
    }
    ExecutorService flood = Executors.newFixedThreadPool(names.size());
    try {
      Endpoint endpoint = new Endpoint(operator.reportPort());
      List<Future<?>> posting = new ArrayList<>();
      for (Trainer trainer : trainers) {
        posting.add(flood.submit(() -> trainer.flood(endpoint)));
      }
      // Mid-flood: every run has sent hundreds of reports and shows one in its status.
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                for (Trainer t : trainers) {
                  assertThat(t.accepted.get()).isGreaterThanOrEqualTo(FLOOD);
                  assertThat(cluster.get(t.name).getStatus().getProgress().getStep()).isPositive();
                }
              });
      endpoint.down();
      operator.kill();
      for (Trainer t : trainers) {
        t.lastStepAtKill = t.lastAccepted;
      }
      int beforeRestart = trainers.stream().mapToInt(t -> t.accepted.get()).sum();
      operator = Killable.start(cluster, env);
      endpoint.up(operator.reportPort());
      // The new operator takes a flood as well and writes it: each run past its step at the kill.
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                for (Trainer t : trainers) {
                  assertThat(t.lastAccepted - t.lastStepAtKill).isGreaterThanOrEqualTo(FLOOD);
                  assertThat(cluster.get(t.name).getStatus().getProgress().getStep())
                      .isGreaterThan(t.lastStepAtKill);
                }
              });
      endpoint.stop();
      for (Future<?> f : posting) {
        f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      }
      int all = trainers.stream().mapToInt(t -> t.accepted.get()).sum();
      System.out.printf(
          "report flood: %d reports accepted before the kill, %d after%n",
          beforeRestart, all - beforeRestart);
      assertThat(all).as("reports accepted after the restart").isGreaterThan(beforeRestart);
    } finally {
      flood.shutdownNow();
    }

    // The last accepted report of each run is in its status, then the run completes.
    for (Trainer t : trainers) {
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                TrainingJobStatus s = cluster.get(t.name).getStatus();
                assertThat(s.getProgress().getStep()).isEqualTo(t.lastAccepted);
                assertThat(s.getMetrics()).containsEntry("loss", Trainer.loss(t.lastAccepted));
              });
    }
    for (Trainer t : trainers) {
      cluster.pod(
          t.name,
          t.name + "-1-done",
          KilnTestCluster.terminated(0, "Completed", "{\"metrics\":{\"accuracy\":0.93}}"));
      cluster.jobFinished(t.name + "-1", "Complete", "CompletionsReached", 0, 1);
      cluster.inspected(
          t.name,
          InspectResults.artifact("model.onnx", InspectResults.sha256Of(t.name), 64, "onnx"));
    }
    for (Trainer t : trainers) {
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                TrainingJobStatus s = cluster.get(t.name).getStatus();
                assertThat(s.getPhase()).isEqualTo(TrainingJobPhase.Succeeded);
                assertThat(s.getProgress().getStep()).isEqualTo(t.lastAccepted);
                assertThat(s.getProgress().getPercent()).isEqualTo(100);
                assertThat(s.getMetrics())
                    .containsEntry("loss", Trainer.loss(t.lastAccepted))
                    .containsEntry("accuracy", "0.93");
                assertThat(s.getArtifact().getSha256()).isEqualTo(InspectResults.sha256Of(t.name));
              });
    }
    cluster.assertOneJobEachAndNoRegression(names, seen);
  }

  /**
   * For a minute the API server ends every watch of the operator's every 5 s while three waves of
   * runs go through their lifecycle: every run converges, with one Job each, and the operator stays
   * live the whole time (a watch that reconnects is no reason for the kubelet to restart it).
   */
  @Test
  void watchesDroppedEveryFiveSecondsForAMinuteStillConverge() throws Exception {
    operator = Killable.start(cluster, Map.of());
    List<String> names = new ArrayList<>();
    Liveness liveness = new Liveness(operator.httpPort());
    try (liveness;
        JobSimulator simulator =
            new JobSimulator(cluster, Duration.ofSeconds(1), Duration.ofSeconds(4));
        FaultyDispatcher.WatchDrops drops =
            cluster.faults().dropWatchesEvery(Duration.ofSeconds(5))) {
      for (int wave = 0; wave < 3; wave++) {
        int after = 4 * wave;
        await().atMost(WAIT).until(() -> drops.rounds() >= after);
        for (int i = 0; i < 4; i++) {
          String name = "w" + wave + "-" + i;
          cluster.client().resource(TrainingJobs.basic(name)).create();
          names.add(name);
        }
      }
      await().atMost(Duration.ofSeconds(45)).until(() -> drops.rounds() >= 12);
      assertThat(drops.dropped())
          .as("watches ended (each round ends every informer's watch)")
          .isGreaterThanOrEqualTo(12 * 5);
    }
    assertThat(liveness.failures())
        .as("/healthz answers while watches reconnect, of %d probes", liveness.probes())
        .isEmpty();
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () ->
                assertThat(names)
                    .allSatisfy(
                        n -> assertThat(cluster.phase(n)).isEqualTo(TrainingJobPhase.Succeeded)));
    for (String name : names) {
      TrainingJobStatus s = cluster.get(name).getStatus();
      assertThat(s.getMetrics()).as(name).containsEntry("accuracy", "0.95");
      assertThat(s.getArtifact().getSha256())
          .as(name)
          .isEqualTo(InspectResults.sha256Of(NS + "/" + name));
    }
    cluster.assertOneJobEachAndNoRegression(names, seen);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /**
   * An operator that can be killed: its API client closed first, so every request and watch it has
   * in flight is cut as when the process dies and nothing it still had to write reaches the API
   * server, then stopped.
   */
  private record Killable(KilnOperator operator, KubernetesClient client) {
    static Killable start(KilnTestCluster cluster, Map<String, String> env) {
      KubernetesClient client = cluster.operatorClient(new RequestLog());
      return new Killable(
          KilnOperator.start(client, KilnTestCluster.config(env), Clock.systemUTC()), client);
    }

    int reportPort() {
      return operator.reportPort();
    }

    int httpPort() {
      return operator.httpPort();
    }

    void kill() {
      client.close();
      operator.close();
    }
  }

  /** The kubelet's liveness probe, asked every 100 ms: the answers other than 200. */
  private static final class Liveness implements AutoCloseable {
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Integer> failures = new CopyOnWriteArrayList<>();
    private final AtomicInteger probes = new AtomicInteger();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    Liveness(int port) {
      HttpRequest healthz =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
              .timeout(Duration.ofSeconds(5))
              .build();
      var unused =
          timer.scheduleAtFixedRate(
              () -> {
                try {
                  int code =
                      http.send(healthz, HttpResponse.BodyHandlers.discarding()).statusCode();
                  probes.incrementAndGet();
                  if (code != 200) {
                    failures.add(code);
                  }
                } catch (IOException e) {
                  failures.add(-1);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              0,
              100,
              TimeUnit.MILLISECONDS);
    }

    List<Integer> failures() {
      return failures;
    }

    int probes() {
      return probes.get();
    }

    @Override
    public void close() {
      timer.shutdownNow();
    }
  }

  /** Where the trainers send their reports: the current operator's port, none while it is down. */
  private static final class Endpoint {
    private volatile int port;
    private final AtomicBoolean stopped = new AtomicBoolean();

    Endpoint(int port) {
      this.port = port;
    }

    void down() {
      port = 0;
    }

    void up(int port) {
      this.port = port;
    }

    void stop() {
      stopped.set(true);
    }
  }

  /** A trainer that reports its step and loss as fast as the endpoint answers. */
  private static final class Trainer {
    private static final int TOTAL_STEPS = 1_000_000;
    private final HttpClient http = HttpClient.newHttpClient();
    final String name;
    final String token;
    final AtomicInteger accepted = new AtomicInteger();
    volatile int lastAccepted;
    volatile int lastStepAtKill;

    Trainer(String name, String token) {
      this.name = name;
      this.token = token;
    }

    /** A loss per step, as the status writes it back (no trailing zeros, 10 digits at most). */
    static String loss(int step) {
      return "0." + step + "1";
    }

    void flood(Endpoint endpoint) {
      int step = 1;
      while (!endpoint.stopped.get()) {
        int port = endpoint.port;
        if (port == 0) {
          // A trainer's pause before it retries; the endpoint is down.
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
          continue;
        }
        try {
          if (post(port, step) == 202) {
            lastAccepted = step;
            accepted.incrementAndGet();
            step++;
          }
        } catch (IOException e) {
          // The operator died under this request: send the same step again.
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }

    private int post(int port, int step) throws IOException, InterruptedException {
      String body =
          "{\"step\":"
              + step
              + ",\"totalSteps\":"
              + TOTAL_STEPS
              + ",\"metrics\":{\"loss\":"
              + loss(step)
              + "}}";
      HttpRequest request =
          HttpRequest.newBuilder(
                  URI.create(
                      "http://127.0.0.1:"
                          + port
                          + "/v1/namespaces/"
                          + NS
                          + "/trainingjobs/"
                          + name
                          + "/report"))
              .header("Content-Type", "application/json")
              .header("Authorization", "Bearer " + token)
              .timeout(Duration.ofSeconds(5))
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build();
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
  }

  /** Creates the run, plays its running pod, and returns the token the pod would read. */
  private String runningJob(String name) {
    cluster.client().resource(TrainingJobs.basic(name)).create();
    await()
        .atMost(WAIT)
        .until(
            () ->
                cluster.jobs().stream()
                    .anyMatch(j -> j.getMetadata().getName().equals(name + "-1")));
    cluster.jobActive(name + "-1");
    cluster.pod(name, name + "-1-a", KilnTestCluster.running());
    await().atMost(WAIT).until(() -> cluster.phase(name) == TrainingJobPhase.Running);
    return cluster.reportToken(name);
  }
}
