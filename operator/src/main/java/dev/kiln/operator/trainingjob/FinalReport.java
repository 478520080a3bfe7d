package dev.kiln.operator.trainingjob;

import dev.kiln.api.v1alpha1.Artifact;
import dev.kiln.api.v1alpha1.Progress;
import dev.kiln.api.v1alpha1.StorageUri;
import dev.kiln.operator.support.Pods;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a trained run reports at the end, with progress at 100%: the final metrics, from the
 * trainer's termination message, or else from the metrics file Kiln's inspection read (merged into
 * the live ones either way), and the model artifact as Kiln's inspection found it. Pure.
 *
 * @param artifact null until the inspection's result is in
 * @param problem why the termination message could not be used (for a Warning Event)
 */
record FinalReport(
    Progress progress, Map<String, String> metrics, Artifact artifact, Optional<String> problem) {

  /**
   * @param inspection Kiln's inspection of the model dir, null until it is done
   * @param claim the workspace claim holding the model
   * @param uploadedTo spec.output.uri once the upload copied the model there, else null
   */
  static FinalReport of(
      List<Pod> pods,
      ModelInspection inspection,
      String claim,
      Progress progress,
      Map<String, String> metrics,
      String uploadedTo) {
    TerminationMessage.Parsed parsed = trainerMessage(pods);
    TerminationMessage message = parsed.message();
    boolean reported = message != null && !message.metrics().isEmpty();
    Map<String, String> fromFile = inspection == null ? Map.of() : inspection.metrics();
    return new FinalReport(
        complete(progress),
        RunMetrics.merge(metrics, reported ? message.metrics() : fromFile),
        inspection == null ? null : artifact(inspection, message, claim, uploadedTo),
        Optional.ofNullable(parsed.problem()));
  }

  /** The termination message of the trainer container that exited 0, if it left one. */
  static TerminationMessage.Parsed trainerMessage(List<Pod> pods) {
    return succeededTrainer(pods)
        .map(t -> TerminationMessage.parse(t.getMessage()))
        .orElse(new TerminationMessage.Parsed(null, null));
  }

  /**
   * The trainer container that exited 0 whose termination message is the final report. With several
   * workers a typical script writes one on rank 0 only: a container that left a message comes
   * first, worker 0's before the others', then the newest.
   */
  static Optional<ContainerStateTerminated> succeededTrainer(List<Pod> pods) {
    List<Map.Entry<Pod, ContainerStateTerminated>> done = new ArrayList<>();
    for (Pod pod : Pods.newestFirst(pods)) {
      for (var cs : Pods.containerStatuses(pod)) {
        var t = cs.getState() == null ? null : cs.getState().getTerminated();
        if (TrainingBatchJobBuilder.TRAINER.equals(cs.getName())
            && t != null
            && Integer.valueOf(0).equals(t.getExitCode())) {
          done.add(Map.entry(pod, t));
        }
      }
    }
    // A stable sort: among equals, the newest stays first.
    return done.stream()
        .sorted(
            Comparator.comparing(
                    (Map.Entry<Pod, ContainerStateTerminated> e) -> isBlank(e.getValue()))
                .thenComparing(e -> !isWorkerZero(e.getKey())))
        .map(Map.Entry::getValue)
        .findFirst();
  }

  private static boolean isBlank(ContainerStateTerminated t) {
    return t.getMessage() == null || t.getMessage().isBlank();
  }

  private static boolean isWorkerZero(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    return annotations != null
        && "0".equals(annotations.get("batch.kubernetes.io/job-completion-index"));
  }

  /**
   * In the workspace's model dir, or where the upload copied it. The file, digest and size are
   * Kiln's; the format is the file's, else the one the trainer named.
   */
  private static Artifact artifact(
      ModelInspection inspection, TerminationMessage message, String claim, String uploadedTo) {
    String path = inspection.path();
    Artifact artifact = new Artifact();
    artifact.setUri(
        uploadedTo != null
            ? UploadJobBuilder.uploadedUri(uploadedTo, path)
            : StorageUri.pvc(claim, "model").uri() + "/" + path);
    artifact.setSha256(inspection.sha256());
    artifact.setSizeBytes(inspection.sizeBytes());
    artifact.setFormat(
        inspection.format() != null || message == null ? inspection.format() : message.format());
    return artifact;
  }

  private static Progress complete(Progress progress) {
    Progress done = progress == null ? new Progress() : progress.toBuilder().build();
    done.setPercent(100);
    done.setEtaSeconds(0L);
    return done;
  }
}
