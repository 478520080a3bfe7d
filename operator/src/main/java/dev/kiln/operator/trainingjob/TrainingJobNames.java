package dev.kiln.operator.trainingjob;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.Validation;

/**
 * Deterministic names of a TrainingJob's children, so a restarted operator finds what it created
 * instead of creating it again.
 */
public final class TrainingJobNames {
  /** A Kubernetes UID: 36 characters (8-4-4-4-12 hex digits and dashes). */
  private static final int UID_LENGTH = 36;

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
    /** Named with the run's UID: a re-created run can never mount an earlier run's token. */
    REPORT_TOKEN("-report-token", "report-token", Validation.MAX_SUBDOMAIN, true),
    WORKERS("-workers", "workers", Validation.MAX_NAME);

    private final String suffix;
    private final String component;
    private final int maxLength;
    private final boolean perIncarnation;

    Child(String suffix, String component, int maxLength) {
      this(suffix, component, maxLength, false);
    }

    Child(String suffix, String component, int maxLength, boolean perIncarnation) {
      this.suffix = suffix;
      this.component = component;
      this.maxLength = maxLength;
      this.perIncarnation = perIncarnation;
    }

    /** The characters the child's name adds to the TrainingJob's: suffix, and "-" + UID. */
    private int added() {
      return suffix.length() + (perIncarnation ? 1 + UID_LENGTH : 0);
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
      max = Math.min(max, child.maxLength - child.added());
    }
    return max;
  }

  /**
   * The child's name. The Jobs, the claim and the workers Service keep the plain name (pod host
   * names and the workspace a user looks for depend on it); until the garbage collector has removed
   * a deleted run's objects of those names, a re-created run waits (PreviousRunObjects). The token
   * Secret never needs to wait: its name carries the run's UID.
   */
  public static String name(TrainingJob tj, Child child) {
    String name = tj.getMetadata().getName() + child.suffix;
    return child.perIncarnation ? name + "-" + tj.getMetadata().getUid() : name;
  }
}
