package dev.kiln.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.Failure;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A user's image whose code imports a package this machine's Python lacks: the sandbox does not
 * start the code; the container fails as it would on a cluster whose image lacked the package (exit
 * 1, its log's tail in status.failure), and that log names the Debian package to install.
 */
class MissingPythonPackageIT {
  static final String IMAGE = "registry.example/e2e/missing-package:1";
  private static E2eCluster cluster;

  @BeforeAll
  static void start() {
    PythonOnHost.assumeImportable(Map.of());
    cluster =
        E2eCluster.startSandboxOnly(
            MissingPythonPackageIT.class,
            Map.of(IMAGE, "e2e/src/test/resources/images/missing-package"),
            "only the sandbox runs images with the host's Python");
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void theRunFailsWithTheMissingModuleAndThePackageToInstall() {
    String ns = cluster.namespace("missing-package");
    cluster.apply(
        ns,
        """
        apiVersion: kiln.dev/v1alpha1
        kind: TrainingJob
        metadata:
          name: needs-a-package
        spec:
          image: %s
          backoffLimit: 0
          workspace:
            size: 1Gi
        """
            .formatted(IMAGE));
    TrainingJob tj =
        cluster.awaitTrainingJob(
            ns,
            "needs-a-package",
            t -> assertThat(t.getStatus().getPhase()).isEqualTo(TrainingJobPhase.Failed));
    Failure failure = tj.getStatus().getFailure();
    assertThat(failure.getReason()).isEqualTo("Error");
    assertThat(failure.getExitCode()).isEqualTo(1);
    assertThat(failure.getMessage())
        .contains("No module named 'kiln_sandbox_no_such_package' (imported by train.py)")
        .contains("sudo apt-get install python3-kiln-sandbox-no-such-package");
  }
}
