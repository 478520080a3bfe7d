package dev.kiln.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.api.v1alpha1.TrainingJobPhase;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * kubectl against the sandbox, as a user would drive it (skipped when kubectl is not on the PATH):
 * apply the quickstart, read it back and the trainer's log, delete it.
 */
class KubectlIT {
  private static E2eCluster cluster;
  private static Path kubectl;

  @BeforeAll
  static void start() {
    kubectl = onPath("kubectl");
    assumeTrue(kubectl != null, "kubectl is not on the PATH");
    cluster = E2eCluster.start(KubectlIT.class);
    assumeTrue(cluster.isSandbox(), "the kubectl smoke test runs against the sandbox");
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void kubectlAppliesReadsAndDeletesTheQuickstart() throws Exception {
    String ns = cluster.namespace("kubectl");
    String file = E2eCluster.ROOT.resolve("examples/quickstart.yaml").toString();

    assertThat(kubectl("apply", "--validate=false", "-n", ns, "-f", file))
        .contains(
            "trainingjob.kiln.dev/iris-quickstart created",
            "modelserver.kiln.dev/iris-quickstart created");
    cluster.awaitTrainingJob(
        ns,
        "iris-quickstart",
        t -> assertThat(t.getStatus().getPhase()).isEqualTo(TrainingJobPhase.Succeeded));

    assertThat(kubectl("get", "tj,ms", "-n", ns, "-o", "yaml"))
        .contains("kind: TrainingJob", "kind: ModelServer", "phase: Succeeded", "model.onnx");
    assertThat(kubectl("get", "tj", "-n", ns))
        .as("the CRD's printer columns")
        .containsPattern("NAME\\s+PHASE\\s+PROGRESS\\s+AGE")
        .containsPattern("iris-quickstart\\s+Succeeded\\s+100\\s+\\d+s");
    assertThat(kubectl("get", "tj", "-n", ns, "-o", "wide"))
        .contains("pvc://iris-quickstart-workspace/model/model.onnx");
    assertThat(kubectl("get", "pods", "-n", ns))
        .containsPattern("iris-quickstart-1-\\S+\\s+0/1\\s+Completed");
    assertThat(kubectl("get", "kiln", "-n", ns, "-o", "name"))
        .as("the kiln category lists both kinds")
        .contains("trainingjob.kiln.dev/iris-quickstart", "modelserver.kiln.dev/iris-quickstart");
    assertThat(
            kubectl(
                "get", "tj", "iris-quickstart", "-n", ns, "-o", "jsonpath={.status.artifact.uri}"))
        .isEqualTo("pvc://iris-quickstart-workspace/model/model.onnx");

    String pod =
        cluster.pods(ns, "kiln.dev/trainingjob", "iris-quickstart").get(0).getMetadata().getName();
    assertThat(kubectl("logs", pod, "-n", ns)).contains("kiln-trainer: epoch 20/20");

    assertThat(kubectl("delete", "-n", ns, "-f", file))
        .contains("trainingjob.kiln.dev \"iris-quickstart\" deleted");
    assertThat(kubectl("get", "tj,ms", "-n", ns, "-o", "name")).isBlank();
  }

  private static String kubectl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(kubectl.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("KUBECONFIG", cluster.sandbox().kubeconfig().toString());
    // A discovery cache of its own: the sandbox's port changes from run to run.
    pb.environment().put("KUBECACHEDIR", cluster.sandbox().dir().resolve("kube-cache").toString());
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("kubectl %s: %s", String.join(" ", args), output).isZero();
    return output.strip();
  }

  private static Path onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator, -1)) {
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
