package dev.kiln.operator.trainingjob;

import dev.kiln.api.v1alpha1.Artifact;
import dev.kiln.api.v1alpha1.Progress;
import dev.kiln.api.v1alpha1.StorageUri;
import dev.kiln.operator.support.Pods;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * A trained run's final report: the trainer's termination message, and the artifact and progress it
 * gives the status. Pure.
 */
final class FinalReport {
  private FinalReport() {}

  /** The termination message of the trainer container that exited 0, if it left one. */
  static TerminationMessage.Parsed read(List<Pod> pods) {
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

  /**
   * The model: in the workspace's model dir, or where the upload copied it ({@code uploadedTo} not
   * null).
   */
  static Artifact artifact(TerminationMessage message, String claim, String uploadedTo) {
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

  /** The progress of a finished run: 100%, nothing left. */
  static Progress complete(Progress progress) {
    Progress done = progress == null ? new Progress() : progress.toBuilder().build();
    done.setPercent(100);
    done.setEtaSeconds(0L);
    return done;
  }
}
