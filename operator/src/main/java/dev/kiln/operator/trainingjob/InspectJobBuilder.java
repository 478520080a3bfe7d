package dev.kiln.operator.trainingjob;

import static dev.kiln.operator.support.Volumes.mount;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.operator.OperatorConfig;
import dev.kiln.operator.support.PodSecurity;
import dev.kiln.operator.support.Volumes;
import dev.kiln.operator.trainingjob.TrainingJobNames.Child;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The short follow-up Job {@code <tj>-inspect} that runs after the training Job succeeded: the
 * loader's {@code inspect} reads the model dir (read-only) and writes what it found, the model
 * file's path, SHA-256, size and format and the metrics file's numbers, to its termination message
 * ({@link ModelInspection}). What the trainer reported is passed along to be checked.
 */
public final class InspectJobBuilder {
  public static final String INSPECT = "inspect-model";
  public static final String DEFAULT_METRICS_FILE = "metrics.json";

  /** The loader's exit codes that are a verdict on the model rather than a failed step. */
  static final int NOT_FOUND = 3;

  static final int INTEGRITY = 5;

  private InspectJobBuilder() {}

  /**
   * The inspect Job of a run whose training Job succeeded.
   *
   * @param reported the trainer's termination message, or null when it left none
   */
  public static Job build(TrainingJob tj, OperatorConfig config, TerminationMessage reported) {
    Container inspect =
        new ContainerBuilder()
            .withName(INSPECT)
            .withImage(config.loaderImage())
            .withArgs(args(tj, reported))
            .withVolumeMounts(
                mount("workspace", UploadJobBuilder.SOURCE_DIR, "model", true),
                mount("tmp", "/tmp", false))
            .withTerminationMessagePolicy("FallbackToLogsOnError")
            .withSecurityContext(PodSecurity.container(true))
            .build();
    Job job =
        UploadJobBuilder.followUp(
            tj,
            Child.INSPECT,
            inspect,
            List.of(
                Volumes.claim("workspace", WorkspaceClaimBuilder.claimName(tj), true),
                Volumes.emptyDir("tmp")),
            config.podIdentity(),
            null);
    // A missing model or a wrong digest is the same on every try: fail at once. Anything else
    // (the node went away) gets one more try.
    return new JobBuilder(job)
        .editSpec()
        .withBackoffLimit(1)
        .withNewPodFailurePolicy()
        .addNewRule()
        .withAction("FailJob")
        .withNewOnExitCodes()
        .withContainerName(INSPECT)
        .withOperator("In")
        .withValues(NOT_FOUND, INTEGRITY)
        .endOnExitCodes()
        .endRule()
        .endPodFailurePolicy()
        .endSpec()
        .build();
  }

  /** spec.metricsFile, else metrics.json. */
  static String metricsFile(TrainingJob tj) {
    String file = tj.getSpec().getMetricsFile();
    return file == null || file.isBlank() ? DEFAULT_METRICS_FILE : file;
  }

  private static List<String> args(TrainingJob tj, TerminationMessage reported) {
    List<String> args = new ArrayList<>();
    args.add("inspect");
    args.add(UploadJobBuilder.SOURCE_DIR);
    args.add("--metrics-file");
    args.add(metricsFile(tj));
    if (reported != null && reported.artifactPath() != null) {
      args.add("--expect-path");
      args.add(reported.artifactPath());
    }
    if (reported != null && reported.sha256() != null) {
      args.add("--expect-sha256");
      args.add(reported.sha256().strip().toLowerCase(Locale.ROOT));
    }
    return args;
  }
}
