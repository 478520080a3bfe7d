package dev.kiln.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.ModelServerPhase;
import dev.kiln.api.v1alpha1.Progress;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.sandbox.cluster.RuntimeChoice;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * examples/pytorch-ddp as a user runs it: two pods of real {@code torch.distributed} (gloo) that
 * rendezvous through the headless Service Kiln made, live progress from rank 0, an ONNX model whose
 * digest Kiln checks, and the reference model server answering with the class the trainer's own
 * evaluation gave. As containers built from the example's Dockerfile when this machine has a
 * container engine (the Python base image made by images/base/build-local-bases.sh, with Debian's
 * PyTorch), else with this machine's Python.
 */
class PytorchDdpIT {
  static final String EXAMPLE = "examples/pytorch-ddp";
  static final String IMAGE = "kiln-examples/pytorch-ddp:0.1";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static E2eCluster cluster;

  @BeforeAll
  static void start() {
    RuntimeChoice runtime = ContainerMode.preferred(PytorchDdpIT.class, "python");
    if (runtime == RuntimeChoice.PROCESS) {
      PythonOnHost.assumeImportable(Map.of("torch", "python3-torch"));
    }
    cluster = E2eCluster.start(PytorchDdpIT.class, Map.of(IMAGE, EXAMPLE), runtime);
    assumeTrue(
        cluster.isSandbox(), "the example's image is not published: the sandbox builds none");
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void twoWorkersTrainTogetherAndTheServedModelAgreesWithTheTrainer() throws Exception {
    String ns = cluster.namespace("pytorch-ddp");
    List<TrainingJob> seen = new CopyOnWriteArrayList<>();
    try (Watch watch =
        cluster
            .client()
            .resources(TrainingJob.class)
            .inNamespace(ns)
            .withName("iris-ddp")
            .watch(recordingInto(seen))) {
      cluster.applyFile(ns, E2eCluster.ROOT.resolve(EXAMPLE + "/trainingjob.yaml"));

      TrainingJob tj =
          cluster.awaitTrainingJob(
              ns,
              "iris-ddp",
              t -> assertThat(t.getStatus().getPhase()).isEqualTo(TrainingJobPhase.Succeeded));

      assertThat(seen)
          .as("progress shown while the run was still running")
          .anySatisfy(
              t -> {
                assertThat(t.getStatus().getPhase()).isEqualTo(TrainingJobPhase.Running);
                Progress p = t.getStatus().getProgress();
                assertThat(p).isNotNull();
                assertThat(p.getEpoch()).isPositive();
                assertThat(p.getTotalEpochs()).isEqualTo(30L);
              });
      assertThat(tj.getStatus().getAttempts())
          .as("each worker on its first attempt: none retried")
          .isEqualTo(1);
      assertThat(tj.getStatus().getMetrics())
          .hasEntrySatisfying("worldSize", w -> assertThat(Double.parseDouble(w)).isEqualTo(2.0))
          .hasEntrySatisfying(
              "accuracy", a -> assertThat(Double.parseDouble(a)).isGreaterThanOrEqualTo(0.9));

      List<Pod> workers = cluster.pods(ns, "job-name", "iris-ddp-1");
      assertThat(workers).as("one pod per rank, both done").hasSize(2);
      assertThat(workers)
          .allSatisfy(
              pod -> {
                ContainerStateTerminated end =
                    pod.getStatus().getContainerStatuses().get(0).getState().getTerminated();
                assertThat(end.getExitCode()).isZero();
              });

      Path model = cluster.sandbox().volume(ns, "iris-ddp-workspace").resolve("model");
      byte[] onnx = Files.readAllBytes(model.resolve("model.onnx"));
      assertThat(tj.getStatus().getArtifact().getUri())
          .isEqualTo("pvc://iris-ddp-workspace/model/model.onnx");
      assertThat(tj.getStatus().getArtifact().getFormat()).isEqualTo("onnx");
      assertThat(tj.getStatus().getArtifact().getSizeBytes()).isEqualTo(onnx.length);
      assertThat(tj.getStatus().getArtifact().getSha256())
          .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(onnx)));

      JsonNode sample = JSON.readTree(Files.readString(model.resolve("eval-sample.json")));
      ModelServer ms =
          cluster.awaitModelServer(
              ns,
              "iris-ddp",
              m -> assertThat(m.getStatus().getPhase()).isEqualTo(ModelServerPhase.Ready));
      URI base = cluster.reach(URI.create(ms.getStatus().getUrl()));
      double[] row = new double[sample.path("row").size()];
      for (int i = 0; i < row.length; i++) {
        row[i] = sample.path("row").get(i).asDouble();
      }
      double[] scores = Inference.classify(base, "iris-ddp", row);
      assertThat(argmax(scores))
          .as("the served class of %s (the trainer said %s)", sample.path("row"), sample)
          .isEqualTo(sample.path("predictedIndex").asInt());
      cluster
          .sandbox()
          .runtime()
          .engine()
          .ifPresent(
              engine ->
                  ContainerMode.assertRanAsContainers(
                      engine, ns, cluster.client().pods().inNamespace(ns).list().getItems()));
    }
  }

  private static Watcher<TrainingJob> recordingInto(List<TrainingJob> seen) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, TrainingJob resource) {
        if (resource.getStatus() != null) {
          seen.add(resource);
        }
      }

      @Override
      public void onClose(WatcherException cause) {
        // the test closes the watch; an early close shows up as missing progress
      }
    };
  }

  private static int argmax(double[] scores) {
    int best = 0;
    for (int i = 1; i < scores.length; i++) {
      if (scores[i] > scores[best]) {
        best = i;
      }
    }
    return best;
  }
}
