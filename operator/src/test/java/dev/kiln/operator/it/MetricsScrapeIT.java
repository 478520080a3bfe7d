package dev.kiln.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.api.v1alpha1.ModelServerPhase;
import dev.kiln.api.v1alpha1.ModelSource;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.api.v1alpha1.TrainingJobSpec;
import dev.kiln.operator.KilnOperator;
import dev.kiln.testkit.workload.InspectResults;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Takes the operator's {@code /metrics} scrape after a run succeeded (with a progress report), a
 * run failed and a ModelServer rolled out, so every family has samples, lints it with promtool, and
 * writes it to {@code target/kiln-metrics-scrape.txt}: the charts module's DashboardMetricsIT
 * checks every metric the Grafana dashboard queries against it (as ChartRbacIT reads the recorded
 * API calls).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsScrapeIT {
  static final Path SCRAPE = Path.of("target/kiln-metrics-scrape.txt");
  static final String NS = KilnTestCluster.NS;
  static final Duration WAIT = Duration.ofSeconds(30);

  static {
    org.awaitility.Awaitility.ignoreExceptionsByDefault();
  }

  private final HttpClient http = HttpClient.newHttpClient();
  private String scrape;

  @BeforeAll
  void scrapeAfterARunSucceededOneFailedAndARollOut() throws Exception {
    try (KilnTestCluster cluster = new KilnTestCluster();
        KilnOperator operator = cluster.startOperator(Map.of())) {
      succeedWithAReport(cluster, operator);
      fail(cluster);
      rollOut(cluster);
      scrape = get("http://127.0.0.1:" + operator.httpPort() + "/metrics");
    }
    Files.writeString(SCRAPE, scrape);
  }

  @Test
  void theScrapeCountsWhatHappened() {
    Exposition e = Exposition.parse(scrape);
    assertThat(e.find("kiln_trainingjob_duration_seconds_count", Map.of("result", "Succeeded")))
        .singleElement()
        .extracting(Exposition.Sample::value)
        .isEqualTo(1.0);
    assertThat(e.find("kiln_trainingjob_failures_total", Map.of("reason", "BackoffLimitExceeded")))
        .singleElement()
        .extracting(Exposition.Sample::value)
        .isEqualTo(1.0);
    assertThat(e.find("kiln_trainingjob_first_report_seconds_count", Map.of()))
        .singleElement()
        .extracting(Exposition.Sample::value)
        .isEqualTo(1.0);
    assertThat(e.find("kiln_modelserver_rollouts_total", Map.of("result", "complete")))
        .singleElement()
        .extracting(Exposition.Sample::value)
        .isEqualTo(1.0);
  }

  @Test
  void promtoolFindsNothingToSay() throws Exception {
    Promtool.assertClean(scrape);
  }

  private void succeedWithAReport(KilnTestCluster cluster, KilnOperator operator) throws Exception {
    cluster.client().resource(trainingJob("ok")).create();
    await().atMost(WAIT).until(() -> cluster.jobs().size() == 1);
    cluster.jobActive("ok-1");
    cluster.pod("ok", "ok-1-pod", KilnTestCluster.running());
    await().atMost(WAIT).until(() -> cluster.phase("ok") == TrainingJobPhase.Running);
    HttpResponse<String> report =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + operator.reportPort()
                            + "/v1/namespaces/"
                            + NS
                            + "/trainingjobs/ok/report"))
                .header("Authorization", "Bearer " + cluster.reportToken("ok"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"epoch\":1,\"totalEpochs\":2,\"metrics\":{\"loss\":0.5}}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(report.statusCode()).as(report.body()).isEqualTo(202);
    cluster
        .client()
        .pods()
        .inNamespace(NS)
        .withName("ok-1-pod")
        .editStatus(
            p -> {
              p.getStatus()
                  .setContainerStatuses(
                      List.of(
                          KilnTestCluster.terminated(
                              0,
                              "Completed",
                              "{\"metrics\":{\"loss\":0.1},\"artifact\":{\"path\":\"model.onnx\"}}")));
              return p;
            });
    cluster.jobFinished("ok-1", "Complete", "CompletionsReached", 0, 1);
    cluster.inspected(
        "ok", InspectResults.artifact("model.onnx", InspectResults.sha256Of("ok"), 2048, "onnx"));
    await().atMost(WAIT).until(() -> cluster.phase("ok") == TrainingJobPhase.Succeeded);
  }

  private void fail(KilnTestCluster cluster) {
    cluster.client().resource(trainingJob("bad")).create();
    await()
        .atMost(WAIT)
        .until(
            () -> cluster.jobs().stream().anyMatch(j -> j.getMetadata().getName().equals("bad-1")));
    cluster.jobFinished("bad-1", "Failed", "BackoffLimitExceeded", 4, 0);
    await().atMost(WAIT).until(() -> cluster.phase("bad") == TrainingJobPhase.Failed);
  }

  /** Plays the Deployment controller and the kubelet until the ModelServer's roll-out ends. */
  private void rollOut(KilnTestCluster cluster) {
    ModelServerHelper k = new ModelServerHelper(cluster);
    ModelSource source = new ModelSource();
    source.setUri("pvc://models/iris/model.onnx");
    cluster.client().resource(ModelServerHelper.server("srv", source)).create();
    await().atMost(WAIT).until(() -> k.deployment("srv") != null);
    k.serverPod("srv", "srv-abc12", ModelServerHelper.serving(), true);
    k.deploymentStatus("srv", 1);
    await()
        .atMost(WAIT)
        .until(
            () ->
                k.get("srv").getStatus().getPhase() == ModelServerPhase.Ready
                    && ModelServerIT.condition(k.get("srv").getStatus(), "Progressing")
                        .getReason()
                        .equals("RolloutComplete"));
  }

  private static TrainingJob trainingJob(String name) {
    TrainingJob tj = new TrainingJob();
    tj.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    TrainingJobSpec spec = new TrainingJobSpec();
    spec.setImage("ghcr.io/kiln-dev/kiln-trainer:0.1.0");
    tj.setSpec(spec);
    return tj;
  }

  private String get(String url) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
