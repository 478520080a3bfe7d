package dev.kiln.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testkit.crd.CrdValidator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pod overrides a user may write are admitted: the reserved names and paths of the invalid/
 * corpus are narrow, and their look-alikes pass.
 */
class PodOverridesAdmissionTest {
  private static final CrdValidator VALIDATOR = CrdValidator.kiln();

  private static String trainingJob(String pod) {
    return """
        apiVersion: kiln.dev/v1alpha1
        kind: TrainingJob
        metadata:
          name: iris
        spec:
          image: pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime
          pod:
        """
        + pod.indent(4);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"/tmp/cache", "/data/kiln", "/kilns", "/etc/kilnx", "/dev/shmem", "/mnt/pvc/x"})
  void mountPathsNextToKilnsOwnAreAdmitted(String path) {
    String pod =
        """
        volumes:
        - name: cache
          emptyDir: {}
        volumeMounts:
        - name: cache
          mountPath: %s
        """
            .formatted(path);

    assertThat(VALIDATOR.validate(trainingJob(pod))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "app.kubernetes.io/version",
        "team",
        "azure.workload.identity/use",
        "kiln.development/x",
        "mykiln.dev/x",
        "sidecar.istio.io/inject"
      })
  void labelKeysThatAreNotKilnsAreAdmitted(String key) {
    String pod =
        """
        labels:
          "%s": "true"
        annotations:
          "%s": "true"
        """
            .formatted(key, key);

    assertThat(VALIDATOR.validate(trainingJob(pod))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"nfs: {server: nfs.example, path: /x}", "emptyDir: {}"})
  void theBaselineLevelAdmitsRootAndVolumesBeyondRestricted(String source) {
    String pod =
        """
        securityLevel: baseline
        runAsUser: 0
        runAsGroup: 0
        volumes:
        - name: shared
          %s
        """
            .formatted(source);

    assertThat(VALIDATOR.validate(trainingJob(pod))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"runAsUser: 1000", "fsGroup: 0", "runAsGroup: 0"})
  void aNonRootUserNeedsNoOptIn(String setting) {
    assertThat(VALIDATOR.validate(trainingJob(setting))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"restricted", "baseline"})
  void bothSecurityLevelsAreAdmitted(String level) {
    assertThat(VALIDATOR.validate(trainingJob("securityLevel: " + level))).isEmpty();
  }
}
