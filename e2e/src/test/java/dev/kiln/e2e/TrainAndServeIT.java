package dev.kiln.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.ModelServerPhase;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import io.fabric8.kubernetes.api.model.Event;
import java.net.URI;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The quickstart: the reference trainer trains Iris, the reference server serves its model. */
class TrainAndServeIT {
  private static E2eCluster cluster;

  @BeforeAll
  static void start() {
    cluster = E2eCluster.start(TrainAndServeIT.class);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void theQuickstartTrainsAQualifiedModelAndServesItWithItsLineage() throws Exception {
    String ns = cluster.namespace("quickstart");
    cluster.applyFile(ns, E2eCluster.ROOT.resolve("examples/quickstart.yaml"));

    TrainingJob tj =
        cluster.awaitTrainingJob(
            ns,
            "iris-quickstart",
            t -> assertThat(t.getStatus().getPhase()).isEqualTo(TrainingJobPhase.Succeeded));
    var status = tj.getStatus();
    assertThat(Double.parseDouble(status.getMetrics().get("accuracy"))).isGreaterThanOrEqualTo(0.9);
    assertThat(status.getArtifact().getUri())
        .isEqualTo("pvc://iris-quickstart-workspace/model/model.onnx");
    assertThat(status.getArtifact().getSha256()).matches("[0-9a-f]{64}");
    assertThat(status.getArtifact().getFormat()).isEqualTo("onnx");
    assertThat(status.getProgress().getEpoch()).isEqualTo(20);
    assertThat(status.getProgress().getPercent()).isEqualTo(100);
    assertThat(status.getAttempts()).isEqualTo(1);
    assertThat(status.getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("ModelQualified");
              assertThat(c.getStatus()).isEqualTo("True");
            });
    assertThat(cluster.events(ns, "TrainingJob", "iris-quickstart"))
        .extracting(Event::getReason)
        .contains("JobCreated", "Running", "Succeeded");

    ModelServer ms =
        cluster.awaitModelServer(
            ns,
            "iris-quickstart",
            m -> assertThat(m.getStatus().getPhase()).isEqualTo(ModelServerPhase.Ready));
    assertThat(ms.getStatus().getUrl())
        .isEqualTo("http://iris-quickstart." + ns + ".svc.cluster.local:8080");
    assertThat(ms.getStatus().getReadyReplicas()).isEqualTo(1);
    assertThat(ms.getStatus().getModel().getTrainingJob()).isEqualTo("iris-quickstart");
    assertThat(ms.getStatus().getModel().getTrainingJobUid()).isEqualTo(tj.getMetadata().getUid());
    assertThat(ms.getStatus().getModel().getSha256()).isEqualTo(status.getArtifact().getSha256());
    assertThat(cluster.events(ns, "ModelServer", "iris-quickstart"))
        .extracting(Event::getReason)
        .contains("Deploying", "Ready");

    URI base = cluster.reach(URI.create(ms.getStatus().getUrl()));
    assertThat(Inference.status(base.resolve("/v2/models/iris-quickstart/ready"))).isEqualTo(200);
    // Fisher's first flower (a setosa): petal 1.4 x 0.2, sepal 5.1 x 3.5.
    double[] scores = Inference.classify(base, "iris-quickstart", 1.4, 0.2, 5.1, 3.5);
    assertThat(scores).hasSize(3);
    assertThat(Arrays.stream(scores).sum()).isCloseTo(1.0, within(1e-3));
    assertThat(Arrays.stream(scores).max().getAsDouble())
        .as("a confident answer for a textbook setosa")
        .isGreaterThan(0.9);

    // The same model over gRPC, through the Service's grpc port.
    assertThat(ms.getStatus().getGrpcAddress())
        .isEqualTo("iris-quickstart." + ns + ".svc.cluster.local:8081");
    URI grpc = cluster.reach(URI.create("http://" + ms.getStatus().getGrpcAddress()));
    try (GrpcInference client = new GrpcInference(grpc)) {
      assertThat(client.modelReady("iris-quickstart")).isTrue();
      assertThat(client.classify("iris-quickstart", 1.4f, 0.2f, 5.1f, 3.5f))
          .as("the scores the HTTP endpoint gave")
          .containsExactly(scores, within(1e-6));
    }
  }
}
