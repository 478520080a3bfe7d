package dev.kiln.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.api.v1alpha1.QualityGateRule;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The trainers' report endpoint on a loopback port, with the operator against the mock API. */
class ProgressReportsIT {
  static {
    // Status fields are read while the operator may not have written them yet: an exception
    // there means "not yet", like a failed assertion, until the wait times out.
    org.awaitility.Awaitility.ignoreExceptionsByDefault();
  }

  private final HttpClient http = HttpClient.newHttpClient();
  private final RequestLog requests = new RequestLog();
  private KilnTestCluster cluster;
  private KilnOperator operator;

  private void start(Map<String, String> env) {
    cluster = new KilnTestCluster();
    operator = cluster.startOperator(env, requests);
  }

  @AfterEach
  void stop() {
    operator.close();
    cluster.close();
  }

  @Test
  void reportsMoveProgressAndMetrics() throws Exception {
    start(Map.of("KILN_REPORT_INTERVAL_SECONDS", "1"));
    String token = runningJob("iris");

    HttpResponse<String> accepted =
        post(
            "iris",
            token,
            "{\"epoch\":2,\"totalEpochs\":10,\"metrics\":{\"loss\":0.5,\"accuracy\":0.81}}");
    assertThat(accepted.statusCode()).isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              var status = cluster.get("iris").getStatus();
              assertThat(status.getProgress().getEpoch()).isEqualTo(2);
              assertThat(status.getProgress().getPercent()).isEqualTo(20);
              assertThat(status.getProgress().getLastReportTime()).isNotNull();
              assertThat(status.getMetrics())
                  .containsEntry("loss", "0.5")
                  .containsEntry("accuracy", "0.81");
            });

    post("iris", token, "{\"epoch\":5,\"totalEpochs\":10,\"metrics\":{\"loss\":0.25}}");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              var status = cluster.get("iris").getStatus();
              assertThat(status.getProgress().getPercent()).isEqualTo(50);
              assertThat(status.getProgress().getEtaSeconds()).isNotNull();
              assertThat(status.getMetrics())
                  .containsEntry("loss", "0.25")
                  .containsEntry("accuracy", "0.81");
            });
  }

  @Test
  void aBurstOfReportsCausesABoundedNumberOfStatusWrites() throws Exception {
    start(Map.of("KILN_REPORT_INTERVAL_SECONDS", "1", "KILN_REPORT_RATE_LIMIT", "100000"));
    String token = runningJob("burst");
    int before = statusWrites("burst");

    long started = System.nanoTime();
    int accepted = 0;
    for (int step = 1; step <= 5000; step++) {
      var r = post("burst", token, "{\"step\":" + step + ",\"totalSteps\":5000}");
      if (r.statusCode() == 202) {
        accepted++;
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    assertThat(accepted).isEqualTo(5000);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(cluster.get("burst").getStatus().getProgress().getStep())
                    .isEqualTo(5000));

    int writes = statusWrites("burst") - before;
    long bound = (long) Math.ceil(seconds / 1.0) + 1;
    System.out.printf(
        "5000 reports in %.2f s (%.0f/s) -> %d status writes (bound %d)%n",
        seconds, 5000 / seconds, writes, bound);
    assertThat(writes).isLessThanOrEqualTo((int) bound).isPositive();
  }

  @Test
  void everyRejectionHasItsStatusCodeAndLeavesTheStatusUntouched() throws Exception {
    start(Map.of("KILN_REPORT_RATE_LIMIT", "2"));
    String tokenA = runningJob("job-a");
    String tokenB = runningJob("job-b");
    var statusA = cluster.get("job-a").getStatus();
    String valid = "{\"epoch\":1,\"totalEpochs\":3}";

    assertThat(send("job-a", null, valid).statusCode()).as("no token").isEqualTo(401);
    String forged = tokenA.substring(0, tokenA.lastIndexOf('.') + 1) + "0".repeat(64);
    assertThat(send("job-a", "Bearer " + forged, valid).statusCode()).as("forged").isEqualTo(401);
    assertThat(send("job-a", "Bearer nonsense", valid).statusCode()).as("garbage").isEqualTo(401);
    HttpResponse<String> crossJob = post("job-b", tokenA, valid);
    assertThat(crossJob.statusCode()).as("token of A used for B").isEqualTo(403);
    assertThat(crossJob.body()).contains("not issued for this TrainingJob").doesNotContain(tokenA);
    HttpResponse<String> malformed = post("job-a", tokenA, "{\"epoch\": ");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.body()).contains("not valid JSON");
    HttpResponse<String> wrongType = post("job-a", tokenA, "{\"epoch\": \"two\"}");
    assertThat(wrongType.statusCode()).isEqualTo(400);
    assertThat(wrongType.body()).contains("epoch must be a non-negative whole number");
    HttpResponse<String> tooLarge =
        post("job-a", tokenA, "{\"metrics\":{\"x\":1},\"pad\":\"" + "x".repeat(20_000) + "\"}");
    assertThat(tooLarge.statusCode()).isEqualTo(413);

    // The rate limit (2/s, burst 20) has been spent by the rejected bodies above and below.
    int tooMany = 0;
    for (int i = 0; i < 40; i++) {
      if (post("job-b", tokenB, "{\"nope\":1}").statusCode() == 429) {
        tooMany++;
      }
    }
    assertThat(tooMany).as("429 once the per-job limit is used up").isPositive();

    assertThat(cluster.get("job-a").getStatus()).isEqualTo(statusA);
    assertThat(cluster.get("job-a").getStatus().getProgress()).isNull();
  }

  /** A token cannot probe which TrainingJobs exist: another run and no run answer alike. */
  @Test
  void notYourRunAndNoSuchRunGetTheSameAnswer() throws Exception {
    start(Map.of());
    String tokenA = runningJob("job-a");
    runningJob("job-b");
    String valid = "{\"epoch\":1,\"totalEpochs\":3}";

    HttpResponse<String> existing = post("job-b", tokenA, valid);
    HttpResponse<String> missing = post("job-c", tokenA, valid);
    HttpResponse<String> otherNamespace = send("other-ns", "job-a", "Bearer " + tokenA, valid);
    assertThat(existing.statusCode()).isEqualTo(403);
    assertThat(missing.statusCode()).isEqualTo(existing.statusCode());
    assertThat(missing.body()).isEqualTo(existing.body());
    assertThat(otherNamespace.statusCode()).isEqualTo(existing.statusCode());
    assertThat(otherNamespace.body()).isEqualTo(existing.body());
  }

  /** A 400 names what is wrong but quotes at most a bounded prefix of what was sent. */
  @Test
  void errorsQuoteOnlyAPrefixOfWhatWasSent() throws Exception {
    start(Map.of());
    String token = runningJob("job-a");
    String longName = "m" + "x".repeat(9_999);

    HttpResponse<String> badName = post("job-a", token, "{\"metrics\":{\"" + longName + "\":1}}");
    HttpResponse<String> unknown = post("job-a", token, "{\"" + longName + "\":1}");
    HttpResponse<String> badValue =
        post("job-a", token, "{\"epoch\":\"" + "9".repeat(10_000) + "\"}");
    for (HttpResponse<String> r : List.of(badName, unknown, badValue)) {
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).hasSizeLessThan(400).doesNotContain("x".repeat(65));
      assertThat(r.body()).doesNotContain("9".repeat(65));
    }
    assertThat(badName.body()).contains("metrics." + longName.substring(0, 20));
    assertThat(unknown.body()).contains("unknown field " + longName.substring(0, 20));
  }

  @Test
  void qualityGateFailureShowsInModelQualifiedAndReportsCloseWhenFinished() throws Exception {
    start(Map.of("KILN_REPORT_INTERVAL_SECONDS", "1"));
    TrainingJob tj = TrainingJobs.basic("gated");
    tj.getSpec()
        .setQualityGate(
            List.of(
                QualityGateRule.builder()
                    .metric("accuracy")
                    .op(QualityGateRule.Operator.GREATER_OR_EQUAL)
                    .value(0.95)
                    .build()));
    String token = runningJob(tj);
    cluster.pod(
        "gated",
        "gated-1-b",
        KilnTestCluster.terminated(0, "Completed", "{\"metrics\":{\"accuracy\":0.9}}"));
    cluster.jobFinished("gated-1", "Complete", "CompletionsReached", 0, 1);
    cluster.inspected(
        "gated",
        InspectResults.of(
            "model.onnx", InspectResults.sha256Of("gated"), 64, "onnx", "{\"accuracy\":0.99}"));

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              var status = cluster.get("gated").getStatus();
              assertThat(status.getPhase()).isEqualTo(TrainingJobPhase.Succeeded);
              assertThat(status.getConditions())
                  .anySatisfy(
                      c -> {
                        assertThat(c.getType()).isEqualTo("ModelQualified");
                        assertThat(c.getStatus()).isEqualTo("False");
                        assertThat(c.getMessage())
                            .isEqualTo("accuracy=0.9 does not meet accuracy >= 0.95");
                      });
            });
    assertThat(post("gated", token, "{\"epoch\":1}").statusCode()).isEqualTo(409);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private String runningJob(String name) throws Exception {
    return runningJob(TrainingJobs.basic(name));
  }

  /** Creates the job, plays a running pod, and returns the token the pod would read. */
  private String runningJob(TrainingJob tj) throws Exception {
    String name = tj.getMetadata().getName();
    cluster.client().resource(tj).create();
    await()
        .until(
            () ->
                cluster.jobs().stream()
                    .anyMatch(j -> j.getMetadata().getName().equals(name + "-1")));
    cluster.jobActive(name + "-1");
    cluster.pod(name, name + "-1-a", KilnTestCluster.running());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                cluster.get(name).getStatus() != null
                    && cluster.phase(name) == TrainingJobPhase.Running);
    return cluster.reportToken(name);
  }

  private int statusWrites(String name) {
    return (int)
        requests.writes().stream()
            .filter(r -> r.path().endsWith("/trainingjobs/" + name + "/status"))
            .count();
  }

  private HttpResponse<String> post(String job, String token, String body) throws Exception {
    return send(job, "Bearer " + token, body);
  }

  private HttpResponse<String> send(String job, String authorization, String body)
      throws Exception {
    return send(KilnTestCluster.NS, job, authorization, body);
  }

  private HttpResponse<String> send(String namespace, String job, String authorization, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + operator.reportPort()
                        + "/v1/namespaces/"
                        + namespace
                        + "/trainingjobs/"
                        + job
                        + "/report"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
