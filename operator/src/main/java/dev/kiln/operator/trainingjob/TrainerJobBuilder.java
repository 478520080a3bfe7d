package dev.kiln.operator.trainingjob;

import dev.kiln.api.v1alpha1.Dataset;
import dev.kiln.api.v1alpha1.PrepareStep;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobSpec;
import dev.kiln.operator.OperatorConfig;
import dev.kiln.operator.support.KilnLabels;
import dev.kiln.operator.support.PodSecurity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds the Kubernetes Job that runs a TrainingJob: the loader and prepare init containers, the
 * trainer with the pod contract, restricted security, scheduling and retry settings. Pure: the same
 * TrainingJob and config always give the same Job, so it can be created once and adopted.
 */
public final class TrainerJobBuilder {
  public static final String TRAINER = "trainer";
  public static final String LOADER = "fetch-dataset";
  public static final String PREPARE = "prepare";
  public static final String QUEUE_LABEL = "kueue.x-k8s.io/queue-name";
  static final List<String> KUEUE_LABELS = List.of(QUEUE_LABEL, "kueue.x-k8s.io/priority-class");

  private static final String WORKSPACE = "workspace";
  private static final String META = "kiln-meta";
  private static final String REPORT = "report-token";
  private static final String TMP = "tmp";
  private static final String SOURCE = "dataset-source";

  private final OperatorConfig config;

  public TrainerJobBuilder(OperatorConfig config) {
    this.config = config;
  }

  public Job build(TrainingJob tj) {
    TrainingJobSpec spec = tj.getSpec();
    int workers = PodContract.workers(tj);
    Map<String, String> podLabels =
        KilnLabels.of(
            KilnLabels.TRAINING_JOB,
            tj.getMetadata().getName(),
            TrainingJobChildren.APP_NAME,
            TRAINER);
    Map<String, String> jobLabels = new LinkedHashMap<>(podLabels);
    KUEUE_LABELS.forEach(
        l -> {
          String value = labels(tj).get(l);
          if (value != null) {
            jobLabels.put(l, value);
          }
        });
    return new JobBuilder()
        .withMetadata(TrainingJobChildren.metadata(tj, TrainingJobNames.job(tj), TRAINER, true))
        .editMetadata()
        .withLabels(jobLabels)
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(
            Objects.requireNonNullElse(spec.getBackoffLimit(), config.defaultBackoffLimit()))
        .withActiveDeadlineSeconds(spec.getActiveDeadlineSeconds())
        .withSuspend(startSuspended(tj))
        .withCompletions(workers)
        .withParallelism(workers)
        .withCompletionMode(workers > 1 ? "Indexed" : "NonIndexed")
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(podLabels)
        .withAnnotations(
            Map.of(
                PodContract.HPARAMS_ANNOTATION,
                Serialization.asJson(PodContract.hyperparameters(tj))))
        .endMetadata()
        .withSpec(podSpec(tj))
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * A Job starts suspended when the user asked for it, or when Kueue manages it (the queue-name
   * label): Kueue admits it by resuming it once quota is available.
   */
  public static boolean startSuspended(TrainingJob tj) {
    return Boolean.TRUE.equals(tj.getSpec().getSuspend()) || isQueued(tj);
  }

  public static boolean isQueued(TrainingJob tj) {
    return labels(tj).containsKey(QUEUE_LABEL);
  }

  private static Map<String, String> labels(TrainingJob tj) {
    Map<String, String> labels = tj.getMetadata().getLabels();
    return labels == null ? Map.of() : labels;
  }

  private PodSpec podSpec(TrainingJob tj) {
    TrainingJobSpec spec = tj.getSpec();
    List<Container> initContainers = new ArrayList<>();
    if (spec.getDataset() != null) {
      initContainers.add(loader(spec.getDataset()));
    }
    if (spec.getPrepare() != null) {
      initContainers.add(prepare(tj, spec.getPrepare()));
    }
    PodSpecBuilder pod =
        new PodSpecBuilder()
            .withRestartPolicy("Never")
            .withSecurityContext(PodSecurity.pod())
            .withInitContainers(initContainers)
            .withContainers(trainer(tj))
            .withVolumes(volumes(tj))
            .withServiceAccountName(spec.getServiceAccountName())
            // The trainer needs no Kubernetes API access unless the user chose an account.
            .withAutomountServiceAccountToken(spec.getServiceAccountName() != null ? null : false)
            .withNodeSelector(spec.getNodeSelector())
            .withTolerations(spec.getTolerations())
            .withAffinity(spec.getAffinity())
            .withPriorityClassName(spec.getPriorityClassName())
            .withImagePullSecrets(spec.getImagePullSecrets());
    if (PodContract.workers(tj) > 1) {
      pod.withSubdomain(TrainingJobNames.workersService(tj));
    }
    return pod.build();
  }

  private Container trainer(TrainingJob tj) {
    TrainingJobSpec spec = tj.getSpec();
    List<EnvVar> env = new ArrayList<>(PodContract.environment(tj, config.reportUrl()));
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
            mount(WORKSPACE, PodContract.DATA_DIR, "data", false),
            mount(WORKSPACE, PodContract.CHECKPOINT_DIR, "checkpoints", false),
            mount(WORKSPACE, PodContract.MODEL_DIR, "model", false),
            mount(META, PodContract.META_DIR, null, true),
            mount(REPORT, PodContract.REPORT_TOKEN_DIR, null, true),
            mount(TMP, "/tmp", null, false))
        // The final metrics and artifact come from the termination message; if the trainer
        // dies without one, the last log lines explain the failure instead.
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .withSecurityContext(PodSecurity.container(false))
        .build();
  }

  private Container loader(Dataset dataset) {
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(mount(WORKSPACE, PodContract.DATA_DIR, "data", false));
    mounts.add(mount(TMP, "/tmp", null, false));
    sourceClaim(dataset)
        .ifPresent(
            claim -> mounts.add(mount(SOURCE, PodContract.PVC_ROOT + "/" + claim, null, true)));
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
            .withResources(
                new ResourceRequirementsBuilder()
                    .withRequests(
                        Map.of("cpu", new Quantity("100m"), "memory", new Quantity("128Mi")))
                    .withLimits(Map.of("memory", new Quantity("512Mi")))
                    .build())
            .withTerminationMessagePolicy("FallbackToLogsOnError")
            .withSecurityContext(PodSecurity.container(true));
    if (dataset.getCredentialsSecret() != null) {
      // Only the loader sees the dataset credentials; the trainer never does.
      loader.withEnvFrom(
          new EnvFromSourceBuilder()
              .withNewSecretRef(dataset.getCredentialsSecret(), false)
              .build());
    }
    return loader.build();
  }

  private Container prepare(TrainingJob tj, PrepareStep step) {
    return new ContainerBuilder()
        .withName(PREPARE)
        .withImage(step.getImage())
        .withCommand(step.getCommand())
        .withArgs(step.getArgs())
        .withEnv(PodContract.environment(tj, config.reportUrl()))
        .withVolumeMounts(
            mount(WORKSPACE, PodContract.DATA_DIR, "data", false),
            mount(META, PodContract.META_DIR, null, true),
            mount(REPORT, PodContract.REPORT_TOKEN_DIR, null, true),
            mount(TMP, "/tmp", null, false))
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .withSecurityContext(PodSecurity.container(false))
        .build();
  }

  private List<Volume> volumes(TrainingJob tj) {
    List<Volume> volumes = new ArrayList<>();
    volumes.add(
        new VolumeBuilder()
            .withName(WORKSPACE)
            .withNewPersistentVolumeClaim(TrainingJobChildren.workspaceClaimName(tj), false)
            .build());
    volumes.add(
        new VolumeBuilder()
            .withName(META)
            .withNewDownwardAPI()
            .addNewItem()
            .withPath("hyperparameters.json")
            .withNewFieldRef()
            .withFieldPath("metadata.annotations['" + PodContract.HPARAMS_ANNOTATION + "']")
            .endFieldRef()
            .endItem()
            .endDownwardAPI()
            .build());
    volumes.add(
        new VolumeBuilder()
            .withName(REPORT)
            .withNewSecret()
            .withSecretName(TrainingJobNames.reportSecret(tj))
            .withDefaultMode(0440)
            .endSecret()
            .build());
    volumes.add(new VolumeBuilder().withName(TMP).withNewEmptyDir().endEmptyDir().build());
    Dataset dataset = tj.getSpec().getDataset();
    if (dataset != null) {
      sourceClaim(dataset)
          .ifPresent(
              claim ->
                  volumes.add(
                      new VolumeBuilder()
                          .withName(SOURCE)
                          .withNewPersistentVolumeClaim(claim, true)
                          .build()));
    }
    return volumes;
  }

  /** The claim named by a pvc:// dataset source, which the loader mounts read-only. */
  static java.util.Optional<String> sourceClaim(Dataset dataset) {
    String source = dataset.getSource();
    if (source == null || !source.startsWith("pvc://")) {
      return java.util.Optional.empty();
    }
    String rest = source.substring("pvc://".length());
    int slash = rest.indexOf('/');
    return java.util.Optional.of(slash < 0 ? rest : rest.substring(0, slash));
  }

  private static VolumeMount mount(String volume, String path, String subPath, boolean readOnly) {
    return new VolumeMountBuilder()
        .withName(volume)
        .withMountPath(path)
        .withSubPath(subPath)
        .withReadOnly(readOnly ? true : null)
        .build();
  }
}
