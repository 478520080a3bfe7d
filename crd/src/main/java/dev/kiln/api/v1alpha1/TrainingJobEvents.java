package dev.kiln.api.v1alpha1;

/**
 * The reasons of the Events Kiln records on a TrainingJob. A failed run's Warning Event carries the
 * failure's own reason (status.failure.reason), so it is not listed here. A phase change is
 * recorded under the condition type or reason it sets.
 */
public final class TrainingJobEvents {
  public static final String JOB_CREATED = "JobCreated";
  public static final String JOB_DELETED = "JobDeleted";
  public static final String UPLOAD_STARTED = "UploadStarted";
  public static final String RUNNING = TrainingJobConditions.RUNNING;
  public static final String SUCCEEDED = TrainingJobConditions.SUCCEEDED;
  public static final String SUSPENDED = TrainingJobConditions.SUSPENDED;
  public static final String QUEUED = TrainingJobConditions.QUEUED;
  public static final String RESUMED = "Resumed";
  public static final String TERMINATION_MESSAGE_INVALID = "TerminationMessageInvalid";

  /** A Warning when the Job is created: its pods may run as root (spec.pod.securityLevel). */
  public static final String POD_SECURITY_BASELINE = "PodSecurityBaseline";

  /** The model inspection skipped something (a metrics file value that is not a number, …). */
  public static final String MODEL_INSPECTION_WARNING = "ModelInspectionWarning";

  private TrainingJobEvents() {}
}
