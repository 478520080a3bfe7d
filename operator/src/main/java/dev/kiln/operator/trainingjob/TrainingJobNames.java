package dev.kiln.operator.trainingjob;

import dev.kiln.api.v1alpha1.TrainingJob;

/**
 * Deterministic names of a TrainingJob's children, so a restarted operator finds what it created
 * instead of creating it again.
 */
public final class TrainingJobNames {
  /** Longest TrainingJob name whose derived Job, pod and Service host names stay valid. */
  public static final int MAX_NAME_LENGTH = 52;

  /**
   * A child of a TrainingJob: named by the TrainingJob's name and a suffix, labelled with its
   * app.kubernetes.io/component.
   */
  public enum Child {
    /** The Job of the run; "-1" is the run number, which stays 1 while the spec is immutable. */
    JOB("-1", TrainingContainersBuilder.TRAINER),
    /** The follow-up Job that records the model file, its digest and the metrics file. */
    INSPECT("-inspect", InspectJobBuilder.INSPECT),
    /** The follow-up Job that copies the model to spec.output.uri. */
    UPLOAD("-upload", UploadJobBuilder.UPLOAD),
    WORKSPACE("-workspace", "workspace"),
    REPORT_TOKEN("-report-token", "report-token"),
    RUN_CONFIG("-run", "run-config"),
    WORKERS("-workers", "workers");

    private final String suffix;
    private final String component;

    Child(String suffix, String component) {
      this.suffix = suffix;
      this.component = component;
    }

    public String component() {
      return component;
    }
  }

  private TrainingJobNames() {}

  public static String name(TrainingJob tj, Child child) {
    return tj.getMetadata().getName() + child.suffix;
  }
}
