package dev.kiln.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.TrainingJobPhase;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With {@code workers: 2} the two pods of a run meet at worker 0's DNS name, {@code
 * <tj>-1-0.<tj>-workers.<ns>.svc} (KILN_COORDINATOR_ADDR, and MASTER_ADDR where Kiln sets it),
 * which the sandbox resolves to worker 0's loopback address whichever pod starts first: first two
 * plain Python processes with a socket, then real torch.distributed (gloo) when the host has
 * PyTorch.
 */
class SandboxRendezvousIT {
  static final String SOCKETS = "registry.example/e2e/rendezvous:1";
  static final String GLOO = "registry.example/e2e/gloo:1";
  private static E2eCluster cluster;

  @BeforeAll
  static void start() {
    PythonOnHost.assumeImportable(Map.of());
    cluster =
        E2eCluster.startSandboxOnly(
            SandboxRendezvousIT.class,
            Map.of(
                SOCKETS, "e2e/src/test/resources/images/rendezvous",
                GLOO, "e2e/src/test/resources/images/gloo"),
            "the test images are not published: the sandbox builds none");
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void twoWorkersMeetAtWorkerZerosName() throws Exception {
    String ns = cluster.namespace("rendezvous");
    cluster.apply(ns, twoWorkers("meet", SOCKETS));
    cluster.awaitTrainingJob(
        ns,
        "meet",
        t -> assertThat(t.getStatus().getPhase()).isEqualTo(TrainingJobPhase.Succeeded));
    assertThat(log(ns, "meet", 0)).contains("rank 0 (meet-1-0) at 127.").contains("met meet-1-1");
    assertThat(log(ns, "meet", 1)).contains("rank 1 (meet-1-1) reached meet-1-0 at 127.");
  }

  @Test
  void torchDistributedGlooRendezvousesAcrossTwoPods() throws Exception {
    PythonOnHost.assumeImportable(Map.of("torch", "python3-torch"));
    String ns = cluster.namespace("gloo");
    cluster.apply(ns, twoWorkers("ddp", GLOO));
    cluster.awaitTrainingJob(
        ns, "ddp", t -> assertThat(t.getStatus().getPhase()).isEqualTo(TrainingJobPhase.Succeeded));
    assertThat(log(ns, "ddp", 0)).contains("rank 0/2", "all_reduce = 3.0 (expected 3.0)");
    assertThat(log(ns, "ddp", 1)).contains("rank 1/2", "all_reduce = 3.0 (expected 3.0)");
  }

  private static String twoWorkers(String name, String image) {
    return """
        apiVersion: kiln.dev/v1alpha1
        kind: TrainingJob
        metadata:
          name: %s
        spec:
          image: %s
          workers: 2
          backoffLimit: 0
          workspace:
            size: 1Gi
        """
        .formatted(name, image);
  }

  /** The trainer's log of the pod with this completion index. */
  private static String log(String ns, String tj, int index) {
    Pod pod = cluster.jobPods(ns, tj + "-1", index).stream().findFirst().orElseThrow();
    return cluster.log(ns, pod, "trainer");
  }
}
