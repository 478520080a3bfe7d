package dev.kiln.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.operator.KilnOperator;
import dev.kiln.testkit.api.RequestLog;
import dev.kiln.testkit.workload.InspectResults;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What operators do to runs: suspend and resume, TTL clean-up, restarts, idle cost. */
class TrainingJobOperationsIT {
  static {
    // Status fields are read while the operator may not have written them yet: an exception
    // there means "not yet", like a failed assertion, until the wait times out.
    org.awaitility.Awaitility.ignoreExceptionsByDefault();
  }

  private KilnTestCluster cluster;
  private KilnOperator operator;
  private final RequestLog requests = new RequestLog();

  @BeforeEach
  void start() {
    cluster = new KilnTestCluster();
    operator = cluster.startOperator(Map.of(), requests);
  }

  @AfterEach
  void stop() {
    operator.close();
    cluster.close();
  }

  @Test
  void suspendAndResume() {
    TrainingJob tj = TrainingJobs.basic("paused");
    tj.getSpec().setSuspend(true);
    cluster.client().resource(tj).create();
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(cluster.phase("paused")).isEqualTo(TrainingJobPhase.Suspended);
              assertThat(cluster.jobs().get(0).getSpec().getSuspend()).isTrue();
            });

    cluster
        .client()
        .resources(TrainingJob.class)
        .inNamespace(KilnTestCluster.NS)
        .withName("paused")
        .edit(
            t -> {
              t.getSpec().setSuspend(false);
              return t;
            });
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(cluster.jobs().get(0).getSpec().getSuspend()).isFalse();
              assertThat(cluster.phase("paused")).isEqualTo(TrainingJobPhase.Pending);
            });
    cluster.jobActive("paused-1");
    cluster.pod("paused", "paused-1-a", KilnTestCluster.running());
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> assertThat(cluster.phase("paused")).isEqualTo(TrainingJobPhase.Running));

    cluster
        .client()
        .resources(TrainingJob.class)
        .inNamespace(KilnTestCluster.NS)
        .withName("paused")
        .edit(
            t -> {
              t.getSpec().setSuspend(true);
              return t;
            });
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(cluster.jobs().get(0).getSpec().getSuspend()).isTrue();
              assertThat(cluster.phase("paused")).isEqualTo(TrainingJobPhase.Suspended);
            });
    assertThat(cluster.events("paused"))
        .extracting(e -> e.getReason())
        .contains("Suspended", "Resumed", "Running");
  }

  @Test
  void kueueManagedJobIsQueuedUntilAdmitted() {
    TrainingJob tj = TrainingJobs.basic("queued");
    tj.getMetadata().setLabels(Map.of("kueue.x-k8s.io/queue-name", "gpu-queue"));
    cluster.client().resource(tj).create();
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(cluster.phase("queued")).isEqualTo(TrainingJobPhase.Queued);
              var job = cluster.jobs().get(0);
              assertThat(job.getSpec().getSuspend()).isTrue();
              assertThat(job.getMetadata().getLabels())
                  .containsEntry("kueue.x-k8s.io/queue-name", "gpu-queue");
            });
    // Kueue admits the Job by resuming it.
    cluster
        .client()
        .batch()
        .v1()
        .jobs()
        .inNamespace(KilnTestCluster.NS)
        .withName("queued-1")
        .edit(
            j -> {
              j.getSpec().setSuspend(false);
              return j;
            });
    cluster.jobActive("queued-1");
    cluster.pod("queued", "queued-1-a", KilnTestCluster.running());
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> assertThat(cluster.phase("queued")).isEqualTo(TrainingJobPhase.Running));
  }

  @Test
  void ttlDeletesTheJobAndKeepsTheTrainingJobItsStatusAndWorkspace() {
    TrainingJob tj = TrainingJobs.basic("short");
    tj.getSpec().setTtlSecondsAfterFinished(1L);
    cluster.client().resource(tj).create();
    await().until(() -> !cluster.jobs().isEmpty());
    cluster.pod("short", "short-1-a", KilnTestCluster.terminated(0, "Completed", null));
    cluster.jobFinished("short-1", "Complete", "CompletionsReached", 0, 1);
    cluster.inspected(
        "short",
        InspectResults.artifact("model.pkl", InspectResults.sha256Of("short"), 300, "pkl"));

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> assertThat(cluster.jobs()).as("the run's Jobs, inspect too").isEmpty());
    TrainingJob kept = cluster.get("short");
    assertThat(kept.getStatus().getPhase()).isEqualTo(TrainingJobPhase.Succeeded);
    assertThat(kept.getStatus().getArtifact().getUri())
        .isEqualTo("pvc://short-workspace/model/model.pkl");
    assertThat(
            cluster
                .client()
                .persistentVolumeClaims()
                .inNamespace(KilnTestCluster.NS)
                .withName("short-workspace")
                .get())
        .isNotNull();
    // The finished run is not started again.
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .until(() -> cluster.jobs().isEmpty());
  }

  @Test
  void restartedOperatorAdoptsTheJobAndRebuildsTheSameStatus() {
    cluster.client().resource(TrainingJobs.basic("steady")).create();
    await().until(() -> !cluster.jobs().isEmpty());
    cluster.jobActive("steady-1");
    cluster.pod("steady", "steady-1-a", KilnTestCluster.running());
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> assertThat(cluster.phase("steady")).isEqualTo(TrainingJobPhase.Running));
    var before = cluster.get("steady").getStatus();

    operator.close();
    RequestLog second = new RequestLog();
    operator = cluster.startOperator(Map.of(), second);

    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(6))
        .untilAsserted(
            () -> {
              assertThat(cluster.jobs()).hasSize(1);
              assertThat(cluster.get("steady").getStatus()).isEqualTo(before);
            });
    assertThat(second.writes()).as("the restarted operator writes nothing").isEmpty();
  }

  @Test
  void convergedOperatorMakesNoWritesAndExportsMetrics() throws Exception {
    cluster.client().resource(TrainingJobs.basic("idle")).create();
    await().until(() -> !cluster.jobs().isEmpty());
    cluster.jobActive("idle-1");
    cluster.pod("idle", "idle-1-a", KilnTestCluster.running());
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(cluster.phase("idle")).isEqualTo(TrainingJobPhase.Running));

    int writes = requests.writes().size();
    await()
        .during(Duration.ofSeconds(10))
        .atMost(Duration.ofSeconds(12))
        .until(() -> requests.writes().size() == writes);

    HttpResponse<String> metrics =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + operator.httpPort() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.body())
        .contains("kiln_trainingjobs{phase=\"Running\"} 1.0")
        .doesNotContain("idle-1");
    HttpResponse<String> ready =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + operator.httpPort() + "/readyz"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(ready.statusCode()).isEqualTo(200);
  }
}
