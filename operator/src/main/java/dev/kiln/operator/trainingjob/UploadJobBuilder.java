package dev.kiln.operator.trainingjob;

import dev.kiln.api.v1alpha1.Output;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.operator.OperatorConfig;
import dev.kiln.operator.support.KilnLabels;
import dev.kiln.operator.support.PodSecurity;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The short follow-up Job that copies a succeeded run's model to {@code spec.output.uri} with the
 * loader: {@code upload} to S3, or a copy onto another PVC. Only it sees the output credentials.
 */
public final class UploadJobBuilder {
  public static final String UPLOAD = "upload-model";
  static final String SOURCE_DIR = "/kiln/model";

  private final OperatorConfig config;

  public UploadJobBuilder(OperatorConfig config) {
    this.config = config;
  }

  public Job build(TrainingJob tj) {
    Output output = tj.getSpec().getOutput();
    List<VolumeMount> mounts = new ArrayList<>();
    List<Volume> volumes = new ArrayList<>();
    volumes.add(
        new VolumeBuilder()
            .withName("workspace")
            .withNewPersistentVolumeClaim(TrainingJobChildren.workspaceClaimName(tj), true)
            .build());
    mounts.add(mount("workspace", SOURCE_DIR, "model", true));
    volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build());
    mounts.add(mount("tmp", "/tmp", null, false));
    List<String> args;
    String uri = output.getUri();
    if (uri.startsWith("pvc://")) {
      String rest = uri.substring("pvc://".length());
      int slash = rest.indexOf('/');
      String claim = slash < 0 ? rest : rest.substring(0, slash);
      String path = slash < 0 ? "" : rest.substring(slash);
      volumes.add(
          new VolumeBuilder()
              .withName("output")
              .withNewPersistentVolumeClaim(claim, false)
              .build());
      mounts.add(mount("output", PodContract.PVC_ROOT + "/" + claim, null, false));
      args = List.of("download", SOURCE_DIR, PodContract.PVC_ROOT + "/" + claim + path);
    } else {
      args = List.of("upload", SOURCE_DIR, uri);
    }
    ContainerBuilder loader =
        new ContainerBuilder()
            .withName(UPLOAD)
            .withImage(config.loaderImage())
            .withArgs(args)
            .withVolumeMounts(mounts)
            .withTerminationMessagePolicy("FallbackToLogsOnError")
            .withSecurityContext(PodSecurity.container(true));
    if (output.getCredentialsSecret() != null) {
      loader.withEnvFrom(
          new EnvFromSourceBuilder()
              .withNewSecretRef(output.getCredentialsSecret(), false)
              .build());
    }
    Map<String, String> labels =
        KilnLabels.of(
            KilnLabels.TRAINING_JOB,
            tj.getMetadata().getName(),
            TrainingJobChildren.APP_NAME,
            UPLOAD);
    return new JobBuilder()
        .withMetadata(TrainingJobChildren.metadata(tj, TrainingJobNames.upload(tj), UPLOAD, true))
        .editMetadata()
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(3)
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .withSecurityContext(PodSecurity.pod())
        .withContainers(loader.build())
        .withVolumes(volumes)
        .withImagePullSecrets(tj.getSpec().getImagePullSecrets())
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /** Where the model file lands: the output URI joined with its path in the model dir. */
  public static String uploadedUri(String outputUri, String artifactPath) {
    String base =
        outputUri.endsWith("/") ? outputUri.substring(0, outputUri.length() - 1) : outputUri;
    return artifactPath == null ? base : base + "/" + artifactPath;
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
