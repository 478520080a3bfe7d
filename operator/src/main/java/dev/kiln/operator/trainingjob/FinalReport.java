package dev.kiln.operator.trainingjob;

import dev.kiln.api.v1alpha1.Artifact;
import dev.kiln.api.v1alpha1.Progress;
import dev.kiln.api.v1alpha1.StorageUri;
import dev.kiln.operator.support.Pods;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a trained run reports at the end, from the trainer's termination message: the model artifact
 * and the final metrics (merged into the known ones), with progress at 100%. Pure.
 *
 * @param problem why the termination message could not be used (for a Warning Event)
 */
record FinalReport(
    Progress progress, Map<String, String> metrics, Artifact artifact, Optional<String> problem) {

  /**
   * @param claim the workspace claim holding the model
   * @param uploadedTo spec.output.uri once the upload copied the model there, else null
   */
  static FinalReport of(
      List<Pod> pods,
      String claim,
      Progress progress,
      Map<String, String> metrics,
      String uploadedTo) {
    TerminationMessage.Parsed parsed = read(pods);
    TerminationMessage message = parsed.message();
    return new FinalReport(
        complete(progress),
        message == null ? metrics : RunMetrics.merge(metrics, message.metrics()),
        artifact(message, claim, uploadedTo),
        Optional.ofNullable(parsed.problem()));
  }

  /** The termination message of the trainer container that exited 0, if it left one. */
  private static TerminationMessage.Parsed read(List<Pod> pods) {
    for (Pod pod : Pods.newestFirst(pods)) {
      for (var cs : Pods.containerStatuses(pod)) {
        var t = cs.getState() == null ? null : cs.getState().getTerminated();
        if (TrainingBatchJobBuilder.TRAINER.equals(cs.getName())
            && t != null
            && Integer.valueOf(0).equals(t.getExitCode())) {
          return TerminationMessage.parse(t.getMessage());
        }
      }
    }
    return new TerminationMessage.Parsed(null, null);
  }

  /** In the workspace's model dir, or where the upload copied it. */
  private static Artifact artifact(TerminationMessage message, String claim, String uploadedTo) {
    String path = message == null ? null : message.artifactPath();
    String base = StorageUri.pvc(claim, "model").uri();
    Artifact artifact = new Artifact();
    artifact.setUri(path == null ? base : base + "/" + path);
    if (message != null) {
      artifact.setSha256(message.sha256());
      artifact.setFormat(message.format());
      artifact.setSizeBytes(message.size());
    }
    if (uploadedTo != null) {
      artifact.setUri(UploadJobBuilder.uploadedUri(uploadedTo, path));
    }
    return artifact;
  }

  private static Progress complete(Progress progress) {
    Progress done = progress == null ? new Progress() : progress.toBuilder().build();
    done.setPercent(100);
    done.setEtaSeconds(0L);
    return done;
  }
}
