package dev.kiln.operator.trainingjob;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.Validation;

/**
 * Deterministic names of a TrainingJob's children, so a restarted operator finds what it created
 * instead of creating it again.
 */
public final class TrainingJobNames {
  /**
   * A child of a TrainingJob: named by the TrainingJob's name and a suffix, labelled with its
   * app.kubernetes.io/component. Its name is at most {@code maxLength} characters: a DNS label (63)
   * for a Job (its name is a label value of its pods) and a Service, a DNS subdomain (253) for the
   * rest.
   */
  public enum Child {
    /** The Job of the run; "-1" is the run number, which stays 1 while the spec is immutable. */
    JOB("-1", TrainingContainersBuilder.TRAINER, Validation.MAX_NAME),
    /** The follow-up Job that records the model file, its digest and the metrics file. */
    INSPECT("-inspect", InspectJobBuilder.INSPECT, Validation.MAX_NAME),
    /** The follow-up Job that copies the model to spec.output.uri. */
    UPLOAD("-upload", UploadJobBuilder.UPLOAD, Validation.MAX_NAME),
    WORKSPACE("-workspace", "workspace", Validation.MAX_SUBDOMAIN),
    REPORT_TOKEN("-report-token", "report-token", Validation.MAX_SUBDOMAIN),
    RUN_CONFIG("-run", "run-config", Validation.MAX_SUBDOMAIN),
    WORKERS("-workers", "workers", Validation.MAX_NAME);

    private final String suffix;
    private final String component;
    private final int maxLength;

    Child(String suffix, String component, int maxLength) {
      this.suffix = suffix;
      this.component = component;
      this.maxLength = maxLength;
    }

    public int maxLength() {
      return maxLength;
    }

    public String component() {
      return component;
    }
  }

  /**
   * The host name of the last worker pod of an Indexed Job ({@code <job>-<index>}), which must be a
   * DNS label too.
   */
  static final String LAST_WORKER_HOST_SUFFIX =
      Child.JOB.suffix + "-" + (Validation.MAX_WORKERS - 1);

  /**
   * The longest TrainingJob name whose children's names all stay valid: every child's limit less
   * its suffix, the last worker's host name, and 63 for the name itself (it is the value of the
   * kiln.dev/trainingjob label). The CRD refuses longer names (Validation.MAX_TRAINING_JOB_NAME,
   * held equal to this by a test).
   */
  public static final int MAX_NAME_LENGTH = maxNameLength();

  private TrainingJobNames() {}

  private static int maxNameLength() {
    int max = Validation.MAX_NAME - LAST_WORKER_HOST_SUFFIX.length();
    for (Child child : Child.values()) {
      max = Math.min(max, child.maxLength - child.suffix.length());
    }
    return max;
  }

  public static String name(TrainingJob tj, Child child) {
    return tj.getMetadata().getName() + child.suffix;
  }
}
