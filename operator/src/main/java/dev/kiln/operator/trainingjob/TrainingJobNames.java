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
    /** Named with the run's UID: a re-created run can never mount an earlier run's token. */
    REPORT_TOKEN("-report-token", "report-token", true),
    /** Named with the run's UID, like the token. */
    RUN_CONFIG("-run", "run-config", true),
    WORKERS("-workers", "workers");

    private final String suffix;
    private final String component;
    private final boolean perIncarnation;

    Child(String suffix, String component) {
      this(suffix, component, false);
    }

    Child(String suffix, String component, boolean perIncarnation) {
      this.suffix = suffix;
      this.component = component;
      this.perIncarnation = perIncarnation;
    }

    public String component() {
      return component;
    }
  }

  private TrainingJobNames() {}

  /**
   * The child's name. The Jobs, the claim and the workers Service keep the plain name (pod host
   * names and the workspace a user looks for depend on it); until the garbage collector has removed
   * a deleted run's objects of those names, a re-created run waits (PreviousRunObjects). The token
   * Secret and run ConfigMap never need to wait: their names carry the run's UID (at most 52 + 14 +
   * 36 characters, well inside the 253 a Secret or ConfigMap name may have).
   */
  public static String name(TrainingJob tj, Child child) {
    String name = tj.getMetadata().getName() + child.suffix;
    return child.perIncarnation ? name + "-" + tj.getMetadata().getUid() : name;
  }
}
