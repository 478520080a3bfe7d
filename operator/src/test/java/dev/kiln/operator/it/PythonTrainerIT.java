package dev.kiln.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.operator.KilnOperator;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pod contract end to end: the stdlib Python example trainer runs as a local process with the
 * environment of the Job Kiln built (paths mapped to a temp dir), reports to the real report
 * endpoint, and its termination message becomes the status.
 */
class PythonTrainerIT {
  static {
    // Status fields are read while the operator may not have written them yet: an exception
    // there means "not yet", like a failed assertion, until the wait times out.
    org.awaitility.Awaitility.ignoreExceptionsByDefault();
  }

  private KilnTestCluster cluster;
  private KilnOperator operator;
  @TempDir Path dir;

  @BeforeEach
  void start() {
    assumeTrue(python() != null, "python3 is not on the PATH");
    cluster = new KilnTestCluster();
    operator = cluster.startOperator(Map.of("KILN_REPORT_INTERVAL_SECONDS", "1"));
  }

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.close();
      cluster.close();
    }
  }

  @Test
  void exampleTrainerReportsProgressAndItsFinalReportBecomesTheStatus() throws Exception {
    TrainingJob tj = TrainingJobs.basic("py");
    tj.getSpec().setHyperparameters(Map.of("epochs", "4", "learning_rate", "0.05", "seed", "7"));
    cluster.client().resource(tj).create();
    await().atMost(Duration.ofSeconds(15)).until(() -> !cluster.jobs().isEmpty());
    Job job = cluster.jobs().get(0);
    cluster.jobActive("py-1");
    cluster.pod("py", "py-1-a", KilnTestCluster.running());

    Path data = Files.createDirectories(dir.resolve("data"));
    Files.writeString(data.resolve("blobs.csv"), dataset());
    LocalPod local = new LocalPod(job, token("py"), operator.reportPort(), dir);
    Map<String, String> env = local.environment();
    env.put("KILN_DATA_DIR", data.toString());
    Path termination = local.terminationLog();

    ProcessBuilder pb =
        new ProcessBuilder(
                python(),
                Path.of("../examples/python-trainer/train.py")
                    .toAbsolutePath()
                    .normalize()
                    .toString())
            .redirectErrorStream(true);
    pb.environment().putAll(env);
    Process process = pb.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              var status = cluster.get("py").getStatus();
              assertThat(status.getProgress().getEpoch()).isEqualTo(4);
              assertThat(status.getProgress().getPercent()).isEqualTo(100);
              assertThat(status.getMetrics()).containsKey("loss");
            });

    String message = Files.readString(termination);
    cluster
        .client()
        .pods()
        .inNamespace(KilnTestCluster.NS)
        .withName("py-1-a")
        .editStatus(
            p -> {
              p.getStatus()
                  .setContainerStatuses(
                      java.util.List.of(KilnTestCluster.terminated(0, "Completed", message)));
              return p;
            });
    cluster.jobFinished("py-1", "Complete", "CompletionsReached", 0, 1);
    LocalInspection.Exit inspected =
        LocalInspection.inspect(cluster, "py", local.modelDir(), dir.resolve("inspect"));
    assertThat(inspected.code()).as(inspected.output()).isZero();

    String sha =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(dir.resolve("model/model.json"))));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              var status = cluster.get("py").getStatus();
              assertThat(status.getPhase()).isEqualTo(TrainingJobPhase.Succeeded);
              assertThat(status.getArtifact().getUri())
                  .isEqualTo("pvc://py-workspace/model/model.json");
              assertThat(status.getArtifact().getSha256()).isEqualTo(sha);
              assertThat(status.getArtifact().getFormat()).isEqualTo("json");
              assertThat(Double.parseDouble(status.getMetrics().get("accuracy")))
                  .isGreaterThan(0.9);
            });
  }

  /** Two well separated Gaussian blobs: a model that learns anything scores above 0.9. */
  private static String dataset() {
    Random random = new Random(1);
    StringBuilder csv = new StringBuilder("x,y,label\n");
    for (int i = 0; i < 200; i++) {
      boolean a = i % 2 == 0;
      csv.append(
          String.format(
              java.util.Locale.ROOT,
              "%.3f,%.3f,%s%n",
              (a ? 1 : -1) + random.nextGaussian() * 0.3,
              (a ? 1 : -1) + random.nextGaussian() * 0.3,
              a ? "a" : "b"));
    }
    return csv.toString();
  }

  private String token(String name) {
    return cluster.reportToken(name);
  }

  private static String python() {
    for (String dir :
        System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator, -1)) {
      Path candidate = Path.of(dir, "python3");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }
}
