package dev.kiln.operator.trainingjob;

import dev.kiln.api.v1alpha1.Dataset;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobSpec;
import dev.kiln.operator.OperatorConfig;
import dev.kiln.operator.support.PodOverlay;
import dev.kiln.operator.support.Volumes;
import dev.kiln.operator.support.WorkloadPods;
import dev.kiln.operator.trainingjob.TrainingJobNames.Child;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Kubernetes Job that runs a TrainingJob: the attempt, loader and prepare init containers, the
 * trainer with the pod contract, the pod overrides (spec.pod) at their security level, scheduling
 * and retry settings. Pure: the same TrainingJob and config always give the same Job, so it can be
 * created once and adopted.
 */
public final class TrainingBatchJobBuilder {
  public static final String TRAINER = TrainingContainersBuilder.TRAINER;
  public static final String LOADER = TrainingContainersBuilder.LOADER;
  public static final String PREPARE = TrainingContainersBuilder.PREPARE;
  public static final String ATTEMPT = TrainingContainersBuilder.ATTEMPT;
  public static final String QUEUE_LABEL = "kueue.x-k8s.io/queue-name";
  static final List<String> KUEUE_LABELS = List.of(QUEUE_LABEL, "kueue.x-k8s.io/priority-class");

  private TrainingBatchJobBuilder() {}

  public static Job build(TrainingJob tj, OperatorConfig config) {
    TrainingJobSpec spec = tj.getSpec();
    int workers = PodContract.workers(tj);
    Map<String, String> podLabels = TrainingMetadata.labels(tj, TRAINER);
    return new JobBuilder()
        .withMetadata(TrainingMetadata.build(tj, Child.JOB, true))
        .editMetadata()
        .withLabels(jobLabels(tj, podLabels))
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
        .withLabels(PodOverlay.labels(podLabels, spec))
        .withAnnotations(
            PodOverlay.annotations(
                Map.of(
                    PodContract.HPARAMS_ANNOTATION,
                    Serialization.asJson(PodContract.hyperparameters(tj))),
                spec))
        .endMetadata()
        .withSpec(podSpec(tj, config))
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * A Job starts suspended when the user asked for it, or when Kueue manages it (the queue-name
   * label): Kueue's jobframework expects the owner to create the Job suspended and admits it by
   * setting spec.suspend to false once quota is available (docs/design.md#kueue).
   */
  public static boolean startSuspended(TrainingJob tj) {
    return Boolean.TRUE.equals(tj.getSpec().getSuspend()) || kueueManaged(tj);
  }

  /**
   * Kueue manages the run's Job: from its creation on, the Job's spec.suspend is Kueue's, and Kiln
   * never writes it.
   */
  public static boolean kueueManaged(TrainingJob tj) {
    return labels(tj).containsKey(QUEUE_LABEL);
  }

  /**
   * The user paused a Kueue-managed run before its Job exists: Kiln creates nothing until
   * spec.suspend is false, so Kueue neither queues nor admits a run the user holds.
   */
  public static boolean heldBack(TrainingJob tj) {
    return kueueManaged(tj) && Boolean.TRUE.equals(tj.getSpec().getSuspend());
  }

  /** The Kueue queue the run waits in (null when Kueue does not manage it). */
  public static String queue(TrainingJob tj) {
    return labels(tj).get(QUEUE_LABEL);
  }

  /** The pods' labels plus the Kueue labels Kueue reads on the Job. */
  private static Map<String, String> jobLabels(TrainingJob tj, Map<String, String> podLabels) {
    Map<String, String> jobLabels = new LinkedHashMap<>(podLabels);
    KUEUE_LABELS.forEach(
        l -> {
          String value = labels(tj).get(l);
          if (value != null) {
            jobLabels.put(l, value);
          }
        });
    return jobLabels;
  }

  private static Map<String, String> labels(TrainingJob tj) {
    Map<String, String> labels = tj.getMetadata().getLabels();
    return labels == null ? Map.of() : labels;
  }

  private static PodSpec podSpec(TrainingJob tj, OperatorConfig config) {
    TrainingJobSpec spec = tj.getSpec();
    // The attempt step first: every pod that gets going has its number, whatever fails later.
    List<Container> initContainers = new ArrayList<>();
    initContainers.add(TrainingContainersBuilder.attempt(tj, config));
    if (spec.getDataset() != null) {
      initContainers.add(TrainingContainersBuilder.loader(spec.getDataset(), config));
    }
    if (spec.getPrepare() != null) {
      initContainers.add(TrainingContainersBuilder.prepare(tj, spec.getPrepare(), config));
    }
    PodSpecBuilder pod =
        WorkloadPods.podSpec(spec, config.podIdentity())
            .withRestartPolicy("Never")
            .withInitContainers(initContainers)
            .withContainers(TrainingContainersBuilder.trainer(tj, config))
            .withVolumes(volumes(tj));
    if (PodContract.workers(tj) > 1) {
      pod.withSubdomain(TrainingJobNames.name(tj, Child.WORKERS));
    }
    return pod.build();
  }

  private static List<Volume> volumes(TrainingJob tj) {
    List<Volume> volumes = new ArrayList<>();
    volumes.add(
        Volumes.claim(
            TrainingContainersBuilder.WORKSPACE, WorkspaceClaimBuilder.claimName(tj), false));
    volumes.add(hyperparameters());
    volumes.add(
        new VolumeBuilder()
            .withName(TrainingContainersBuilder.REPORT)
            .withNewSecret()
            .withSecretName(TrainingJobNames.name(tj, Child.REPORT_TOKEN))
            .withDefaultMode(0440)
            .endSecret()
            .build());
    volumes.add(Volumes.emptyDir(TrainingContainersBuilder.TMP));
    volumes.add(Volumes.emptyDir(TrainingContainersBuilder.ATTEMPT_VOLUME));
    Dataset dataset = tj.getSpec().getDataset();
    if (dataset != null) {
      TrainingContainersBuilder.sourceClaim(dataset)
          .ifPresent(
              claim -> volumes.add(Volumes.claim(TrainingContainersBuilder.SOURCE, claim, true)));
    }
    volumes.addAll(PodOverlay.volumes(tj.getSpec()));
    return volumes;
  }

  /** The hyperparameters annotation as a file (downward API), so a restart sees the same ones. */
  private static Volume hyperparameters() {
    return new VolumeBuilder()
        .withName(TrainingContainersBuilder.META)
        .withNewDownwardAPI()
        .addNewItem()
        .withPath("hyperparameters.json")
        .withNewFieldRef()
        .withFieldPath("metadata.annotations['" + PodContract.HPARAMS_ANNOTATION + "']")
        .endFieldRef()
        .endItem()
        .endDownwardAPI()
        .build();
  }
}
