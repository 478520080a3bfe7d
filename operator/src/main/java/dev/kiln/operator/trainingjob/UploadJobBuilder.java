package dev.kiln.operator.trainingjob;

import static dev.kiln.operator.support.Volumes.mount;

import dev.kiln.api.v1alpha1.Output;
import dev.kiln.api.v1alpha1.StorageUri;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.operator.OperatorConfig;
import dev.kiln.operator.support.LoaderSettings;
import dev.kiln.operator.support.PodIdentity;
import dev.kiln.operator.support.PodSecurity;
import dev.kiln.operator.support.Volumes;
import dev.kiln.operator.trainingjob.TrainingJobNames.Child;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
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

  private UploadJobBuilder() {}

  /** The volumes, mounts and loader arguments of one upload. */
  private record Plan(List<Volume> volumes, List<VolumeMount> mounts, List<String> args) {}

  public static Job build(TrainingJob tj, OperatorConfig config) {
    Output output = tj.getSpec().getOutput();
    Plan plan = plan(tj, output.getUri());
    ContainerBuilder loader =
        new ContainerBuilder()
            .withName(UPLOAD)
            .withImage(config.loaderImage())
            .withArgs(plan.args())
            .withVolumeMounts(plan.mounts())
            .withTerminationMessagePolicy("FallbackToLogsOnError")
            .withSecurityContext(PodSecurity.container(true));
    if (output.getCredentialsSecret() != null) {
      loader.withEnvFrom(LoaderSettings.credentials(output.getCredentialsSecret()));
    }
    // The run's service account: with IRSA or another web-identity mechanism the platform
    // mounts the identity token into the pods of that account (images/loader/README.md).
    return followUp(
        tj,
        Child.UPLOAD,
        loader.build(),
        plan.volumes(),
        config.podIdentity(),
        tj.getSpec().getServiceAccountName());
  }

  /** Where the model file lands: the output URI joined with its path in the model dir. */
  public static String uploadedUri(String outputUri, String artifactPath) {
    String base =
        outputUri.endsWith("/") ? outputUri.substring(0, outputUri.length() - 1) : outputUri;
    return artifactPath == null ? base : base + "/" + artifactPath;
  }

  /** The workspace's model dir read-only; a pvc:// target mounted and copied to, else uploaded. */
  private static Plan plan(TrainingJob tj, String uri) {
    List<Volume> volumes = new ArrayList<>();
    List<VolumeMount> mounts = new ArrayList<>();
    volumes.add(Volumes.claim("workspace", WorkspaceClaimBuilder.claimName(tj), true));
    mounts.add(mount("workspace", SOURCE_DIR, "model", true));
    volumes.add(Volumes.emptyDir("tmp"));
    mounts.add(mount("tmp", "/tmp", false));
    StorageUri target = StorageUri.parse(uri);
    if (!target.isPvc()) {
      return new Plan(volumes, mounts, List.of("upload", SOURCE_DIR, uri));
    }
    String claimDir = PodContract.PVC_ROOT + "/" + target.authority();
    volumes.add(Volumes.claim("output", target.authority(), false));
    mounts.add(mount("output", claimDir, false));
    return new Plan(volumes, mounts, List.of("download", SOURCE_DIR, claimDir + target.path()));
  }

  /**
   * A follow-up Job of a run that runs the loader: one restricted pod without a service-account
   * token (a web-identity token is a volume of its own and still reaches it), retried up to 3
   * times, under {@code serviceAccountName} when not null.
   */
  static Job followUp(
      TrainingJob tj,
      Child child,
      Container loader,
      List<Volume> volumes,
      PodIdentity identity,
      String serviceAccountName) {
    Map<String, String> labels = TrainingMetadata.labels(tj, child.component());
    return new JobBuilder()
        .withMetadata(TrainingMetadata.build(tj, child, true))
        .withNewSpec()
        .withBackoffLimit(3)
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withServiceAccountName(serviceAccountName)
        .withAutomountServiceAccountToken(false)
        .withSecurityContext(PodSecurity.pod(identity))
        .withContainers(loader)
        .withVolumes(volumes)
        .withImagePullSecrets(tj.getSpec().getImagePullSecrets())
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }
}
