package dev.kiln.operator.trainingjob;

import static dev.kiln.operator.support.Volumes.mount;

import dev.kiln.api.v1alpha1.Dataset;
import dev.kiln.api.v1alpha1.PrepareStep;
import dev.kiln.api.v1alpha1.StorageUri;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobSpec;
import dev.kiln.operator.OperatorConfig;
import dev.kiln.operator.support.LoaderSettings;
import dev.kiln.operator.support.PodOverlay;
import dev.kiln.operator.support.PodSecurity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The containers of a training pod: the dataset loader and the prepare step (init containers) and
 * the trainer. Pure; the volumes they mount are the pod's (see {@link TrainingBatchJobBuilder}).
 */
final class TrainingContainersBuilder {
  static final String TRAINER = "trainer";
  static final String LOADER = "fetch-dataset";
  static final String PREPARE = "prepare";
  static final String ATTEMPT = "attempt";

  static final String WORKSPACE = "workspace";
  static final String META = "kiln-meta";
  static final String REPORT = "report-token";
  static final String TMP = "tmp";
  static final String SOURCE = "dataset-source";
  static final String ATTEMPT_VOLUME = "kiln-attempt";

  private TrainingContainersBuilder() {}

  /**
   * The trainer: the pod contract's environment, the torch variables for several workers, then
   * spec.env; the workspace and contract mounts, then spec.pod's.
   */
  static Container trainer(TrainingJob tj, OperatorConfig config) {
    TrainingJobSpec spec = tj.getSpec();
    List<EnvVar> env = new ArrayList<>(PodContract.environment(tj, config.reportUrl()));
    env.addAll(DistributedEnvironment.of(tj));
    if (spec.getEnv() != null) {
      env.addAll(spec.getEnv());
    }
    return new ContainerBuilder()
        .withName(TRAINER)
        .withImage(spec.getImage())
        .withCommand(spec.getCommand())
        .withArgs(spec.getArgs())
        .withEnv(env)
        .withEnvFrom(spec.getEnvFrom())
        .withResources(spec.getResources())
        .withVolumeMounts(
            contractMounts(
                mount(WORKSPACE, PodContract.DATA_DIR, "data", false),
                mount(WORKSPACE, PodContract.CHECKPOINT_DIR, "checkpoints", false),
                mount(WORKSPACE, PodContract.MODEL_DIR, "model", false)))
        .addAllToVolumeMounts(PodOverlay.mainContainerMounts(spec))
        // The final metrics and artifact come from the termination message; if the trainer
        // dies without one, the last log lines explain the failure instead.
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .withSecurityContext(PodSecurity.userContainer(spec, PodSecurity.readOnlyRoot(spec, false)))
        .build();
  }

  static Container loader(Dataset dataset, OperatorConfig config) {
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(mount(WORKSPACE, PodContract.DATA_DIR, "data", false));
    mounts.add(mount(TMP, "/tmp", false));
    sourceClaim(dataset)
        .ifPresent(claim -> mounts.add(mount(SOURCE, PodContract.PVC_ROOT + "/" + claim, true)));
    ContainerBuilder loader =
        new ContainerBuilder()
            .withName(LOADER)
            .withImage(config.loaderImage())
            .withArgs("download", dataset.getSource(), PodContract.DATA_DIR)
            .addNewEnv()
            .withName("KILN_PVC_ROOT")
            .withValue(PodContract.PVC_ROOT)
            .endEnv()
            .withVolumeMounts(mounts)
            .withResources(LoaderSettings.resources())
            .withTerminationMessagePolicy("FallbackToLogsOnError")
            .withSecurityContext(PodSecurity.container(true));
    if (dataset.getCredentialsSecret() != null) {
      // Only the loader sees the dataset credentials; the trainer never does.
      loader.withEnvFrom(LoaderSettings.credentials(dataset.getCredentialsSecret()));
    }
    return loader.build();
  }

  static Container prepare(TrainingJob tj, PrepareStep step, OperatorConfig config) {
    return new ContainerBuilder()
        .withName(PREPARE)
        .withImage(step.getImage())
        .withCommand(step.getCommand())
        .withArgs(step.getArgs())
        .withEnv(PodContract.environment(tj, config.reportUrl()))
        .withVolumeMounts(contractMounts(mount(WORKSPACE, PodContract.DATA_DIR, "data", false)))
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .withSecurityContext(
            PodSecurity.userContainer(tj.getSpec(), PodSecurity.readOnlyRoot(tj.getSpec(), false)))
        .build();
  }

  /**
   * The attempt step, the first init container: claims this pod's attempt number on the workspace
   * and leaves it where the prepare step and the trainer read it (KILN_ATTEMPT_FILE). Counting
   * inside the pod makes the number right in the very pod that runs: the Job controller starts a
   * replacement before the operator can learn of the failure (docs/design.md#attempts).
   */
  static Container attempt(TrainingJob tj, OperatorConfig config) {
    ContainerBuilder attempt =
        new ContainerBuilder()
            .withName(ATTEMPT)
            .withImage(config.loaderImage())
            .withArgs("attempt", PodContract.attemptLedger(tj), PodContract.ATTEMPT_FILE)
            .withVolumeMounts(
                mount(WORKSPACE, PodContract.ATTEMPT_LEDGER, "attempts", false),
                mount(ATTEMPT_VOLUME, PodContract.ATTEMPT_DIR, false),
                mount(TMP, "/tmp", false))
            .withResources(LoaderSettings.resources())
            .withTerminationMessagePolicy("FallbackToLogsOnError")
            .withSecurityContext(PodSecurity.container(true));
    if (PodContract.workers(tj) > 1) {
      attempt.withEnv(PodContract.workerIndex("KILN_WORKER_INDEX"));
    }
    return attempt.build();
  }

  /**
   * The given workspace mounts, then what the pod contract adds: the attempt number, metadata,
   * token, /tmp.
   */
  private static List<VolumeMount> contractMounts(VolumeMount... workspace) {
    List<VolumeMount> mounts = new ArrayList<>(List.of(workspace));
    mounts.add(mount(ATTEMPT_VOLUME, PodContract.ATTEMPT_DIR, true));
    mounts.add(mount(META, PodContract.META_DIR, true));
    mounts.add(mount(REPORT, PodContract.REPORT_TOKEN_DIR, true));
    mounts.add(mount(TMP, "/tmp", false));
    return mounts;
  }

  /** The claim named by a pvc:// dataset source, which the loader mounts read-only. */
  static Optional<String> sourceClaim(Dataset dataset) {
    return dataset.getSource() == null
        ? Optional.empty()
        : StorageUri.parse(dataset.getSource()).claim();
  }
}
