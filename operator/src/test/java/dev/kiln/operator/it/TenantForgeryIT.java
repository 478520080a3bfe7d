package dev.kiln.operator.it;

import static dev.kiln.operator.it.KilnTestCluster.NS;
import static dev.kiln.operator.it.ModelServerHelper.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.ModelServerPhase;
import dev.kiln.api.v1alpha1.ModelSource;
import dev.kiln.api.v1alpha1.QualityGateRule;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.operator.KilnOperator;
import dev.kiln.testkit.workload.InspectResults;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Objects anyone allowed to create pods and Jobs in the namespace can forge: look-alikes with the
 * right labels but no (or a foreign) owner change nothing Kiln reports or serves.
 */
class TenantForgeryIT {
  static {
    org.awaitility.Awaitility.ignoreExceptionsByDefault();
  }

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String FORGED =
      "{\"metrics\":{\"accuracy\":0.999},"
          + "\"artifact\":{\"path\":\"evil.onnx\",\"sha256\":\"bad\",\"format\":\"onnx\"}}";
  private static final String SHA = InspectResults.sha256Of("the real model");

  private KilnTestCluster cluster;
  private ModelServerHelper k;
  private KilnOperator operator;

  @BeforeEach
  void start() {
    cluster = new KilnTestCluster();
    k = new ModelServerHelper(cluster);
    operator = cluster.startOperator(Map.of());
  }

  @AfterEach
  void stop() {
    operator.close();
    cluster.close();
  }

  @Test
  void aLookAlikePodNeitherSuppliesTheFinalReportNorGetsItsModelServed() {
    var iris = Map.of("app", "iris");
    TrainingJob gated = TrainingJobs.basic("iris");
    gated.getMetadata().setLabels(iris);
    gated
        .getSpec()
        .setQualityGate(
            List.of(
                new QualityGateRule("accuracy", QualityGateRule.Operator.GREATER_OR_EQUAL, 0.9)));
    cluster.client().resource(gated).create();
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
    await().atMost(WAIT).until(() -> !cluster.jobs().isEmpty());
    String real = FORGED.replace("0.999", "0.2").replace("evil", "model").replace("bad", SHA);
    cluster.pod("iris", "iris-1-a", KilnTestCluster.terminated(0, "Completed", real));
    // The forger's pod is the newest and claims a far better model.
    cluster.pod("iris", "iris-1-zz", KilnTestCluster.terminated(0, "Completed", FORGED), false);
    cluster.jobFinished("iris-1", "Complete", "CompletionsReached", 0, 1);
    // And a look-alike of the inspect Job's pod vouches for the forger's file.
    cluster.inspectPod(
        "iris",
        "iris-inspect-zz",
        0,
        InspectResults.of(
            "evil.onnx", InspectResults.sha256Of("evil"), 1, "onnx", "{\"accuracy\":1}"),
        false);
    cluster.inspected("iris", InspectResults.artifact("model.onnx", SHA, 100, "onnx"));

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              var s = cluster.get("iris").getStatus();
              assertThat(s.getPhase()).isEqualTo(TrainingJobPhase.Succeeded);
              assertThat(s.getMetrics()).containsEntry("accuracy", "0.2");
              assertThat(s.getArtifact().getUri()).doesNotContain("evil");
              assertThat(s.getArtifact().getSha256()).isEqualTo(SHA);
              assertThat(s.getConditions())
                  .anyMatch(
                      c -> c.getType().equals("ModelQualified") && c.getStatus().equals("False"));
            });
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> k.deployment("latest") == null);
  }

  @Test
  void aLookAlikeJobIsNotTheRunsJob() {
    // Created before the TrainingJob, with its Job's name and labels, already complete.
    Job forged =
        new JobBuilder()
            .withNewMetadata()
            .withName("pre-1")
            .withNamespace(NS)
            .withLabels(
                Map.of(
                    "app.kubernetes.io/managed-by", "kiln-operator", "kiln.dev/trainingjob", "pre"))
            .endMetadata()
            .withNewSpec()
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(
                Map.of(
                    "app.kubernetes.io/managed-by", "kiln-operator", "kiln.dev/trainingjob", "pre"))
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("trainer")
            .withImage("evil")
            .endContainer()
            .withRestartPolicy("Never")
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    cluster.client().resource(forged).create();
    cluster.jobFinished("pre-1", "Complete", "CompletionsReached", 0, 1);
    cluster.pod("pre", "pre-1-zz", KilnTestCluster.terminated(0, "Completed", FORGED), false);
    cluster.client().resource(TrainingJobs.basic("pre")).create();

    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(6))
        .until(() -> cluster.phase("pre") != TrainingJobPhase.Succeeded);
  }

  @Test
  void lookAlikeServerPodsDoNotDegradeTheServer() {
    ModelServer ms =
        server("srv", ModelSource.builder().uri("pvc://models/iris/model.onnx").build());
    cluster.client().resource(ms).create();
    await().atMost(WAIT).until(() -> k.deployment("srv") != null);
    k.serverPod("srv", "srv-1", ModelServerHelper.serving(), true);
    k.deploymentStatus("srv", 1);
    await().atMost(WAIT).until(() -> k.get("srv").getStatus().getPhase() == ModelServerPhase.Ready);

    k.serverPod("srv", "srv-forged", ModelServerHelper.crashLooping(3), false, false);
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(6))
        .untilAsserted(
            () -> {
              assertThat(k.get("srv").getStatus().getPhase()).isEqualTo(ModelServerPhase.Ready);
              assertThat(k.get("srv").getStatus().getFailure()).isNull();
            });
  }
}
