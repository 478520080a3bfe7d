package dev.kiln.operator.it;

import static dev.kiln.operator.it.ModelServerHelper.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.kiln.api.v1alpha1.Dataset;
import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.ModelServerPhase;
import dev.kiln.api.v1alpha1.ModelSource;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.operator.KilnOperator;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A container that prints a credential when it fails: the credential reaches none of status,
 * Events, the operator's log and /metrics.
 */
class CredentialEchoIT {
  static {
    org.awaitility.Awaitility.ignoreExceptionsByDefault();
  }

  private static final String SENTINEL = "S3NT1NEL-hunter2";
  private static final String OUTPUT =
      "connecting to https://bob:" + SENTINEL + "@db.example\npassword=" + SENTINEL + " failed";
  private static final Duration WAIT = Duration.ofSeconds(20);

  private KilnTestCluster cluster;
  private ModelServerHelper k;
  private KilnOperator operator;
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();

  @BeforeEach
  void start() {
    log.start();
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(log);
    cluster = new KilnTestCluster();
    k = new ModelServerHelper(cluster);
    operator = cluster.startOperator(Map.of());
  }

  @AfterEach
  void stop() {
    operator.close();
    cluster.close();
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(log);
  }

  @Test
  void aFailingTrainersCredentialIsNotRepeated() {
    cluster.client().resource(TrainingJobs.basic("leaky")).create();
    await().atMost(WAIT).until(() -> !cluster.jobs().isEmpty());
    cluster.pod("leaky", "leaky-1-a", KilnTestCluster.terminated(1, "Error", OUTPUT));
    cluster.jobFinished("leaky-1", "Failed", "BackoffLimitExceeded", 1, 0);
    await().atMost(WAIT).until(() -> cluster.phase("leaky") == TrainingJobPhase.Failed);
    await().atMost(WAIT).until(() -> !cluster.events("leaky").isEmpty());
    assertThat(Serialization.asJson(cluster.get("leaky").getStatus()))
        .contains("[redacted]")
        .doesNotContain(SENTINEL);
    assertNowhereElse("leaky");
  }

  @Test
  void aCrashingServersCredentialIsNotRepeated() {
    ModelServer ms =
        server("leaky-ms", ModelSource.builder().uri("pvc://models/iris/model.onnx").build());
    cluster.client().resource(ms).create();
    await().atMost(WAIT).until(() -> k.deployment("leaky-ms") != null);
    var crashing =
        new ContainerStatusBuilder(ModelServerHelper.crashLooping(3))
            .editLastState()
            .editTerminated()
            .withMessage(OUTPUT)
            .endTerminated()
            .endLastState()
            .build();
    k.serverPod("leaky-ms", "leaky-ms-1", crashing, false);
    k.deploymentStatus("leaky-ms", 0);
    await()
        .atMost(WAIT)
        .until(() -> k.get("leaky-ms").getStatus().getPhase() == ModelServerPhase.Failed);
    assertThat(Serialization.asJson(k.get("leaky-ms").getStatus())).doesNotContain(SENTINEL);
    assertNowhereElse("leaky-ms");
  }

  /** Admitted before the CRD refused userinfo: served, and the password shown nowhere. */
  @Test
  void aPasswordInAnOlderModelServersUriIsRedactedWhereverItIsShown() {
    String uri = "https://bob:" + SENTINEL + "@models.example/iris.onnx";
    cluster.client().resource(server("old-ms", ModelSource.builder().uri(uri).build())).create();
    await().atMost(WAIT).until(() -> k.deployment("old-ms") != null);
    k.serverPod("old-ms", "old-ms-1", ModelServerHelper.serving(), true);
    k.deploymentStatus("old-ms", 1);
    await()
        .atMost(WAIT)
        .until(() -> k.get("old-ms").getStatus().getPhase() == ModelServerPhase.Ready);
    await().atMost(WAIT).until(() -> !cluster.events("old-ms").isEmpty());

    assertThat(k.get("old-ms").getStatus().getModel().getUri())
        .as("status.model.uri, the MODEL column of kubectl get ms")
        .isEqualTo("https://[redacted]@models.example/iris.onnx");
    assertThat(Serialization.asJson(k.get("old-ms").getStatus())).doesNotContain(SENTINEL);
    var template = k.deployment("old-ms").getSpec().getTemplate();
    assertThat(template.getMetadata().getAnnotations().values())
        .allSatisfy(v -> assertThat(v).doesNotContain(SENTINEL));
    assertThat(template.getSpec().getInitContainers().get(0).getArgs())
        .as("the loader still gets the URI it needs")
        .contains(uri);
    assertNowhereElse("old-ms");
  }

  @Test
  void aPasswordInAnOlderTrainingJobsDatasetIsNotRepeated() {
    TrainingJob tj = TrainingJobs.basic("old-tj");
    tj.getSpec()
        .setDataset(
            Dataset.builder().source("https://bob:" + SENTINEL + "@data.example/iris.csv").build());
    cluster.client().resource(tj).create();
    await().atMost(WAIT).until(() -> !cluster.jobs().isEmpty());
    cluster.pod("old-tj", "old-tj-1-a", KilnTestCluster.terminated(1, "Error", "no data"));
    cluster.jobFinished("old-tj-1", "Failed", "BackoffLimitExceeded", 1, 0);
    await().atMost(WAIT).until(() -> cluster.phase("old-tj") == TrainingJobPhase.Failed);
    await().atMost(WAIT).until(() -> !cluster.events("old-tj").isEmpty());
    assertThat(Serialization.asJson(cluster.get("old-tj").getStatus())).doesNotContain(SENTINEL);
    assertNowhereElse("old-tj");
  }

  private void assertNowhereElse(String name) {
    assertThat(cluster.events(name))
        .allSatisfy(e -> assertThat(e.getMessage()).doesNotContain(SENTINEL));
    assertThat(log.list)
        .allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain(SENTINEL));
    assertThat(operator.registry().scrape()).doesNotContain(SENTINEL);
  }
}
