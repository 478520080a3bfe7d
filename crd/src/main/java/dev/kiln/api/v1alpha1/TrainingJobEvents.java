package dev.kiln.api.v1alpha1;

/**
 * The reasons of the Events Kiln records on a TrainingJob. A failed run's Warning Event carries the
 * failure's own reason (status.failure.reason), so it is not listed here.
 */
public final class TrainingJobEvents {
  public static final String JOB_CREATED = "JobCreated";
  public static final String JOB_DELETED = "JobDeleted";
  public static final String UPLOAD_STARTED = "UploadStarted";
  public static final String RUNNING = "Running";
  public static final String SUCCEEDED = "Succeeded";
  public static final String SUSPENDED = "Suspended";
  public static final String QUEUED = "Queued";
  public static final String RESUMED = "Resumed";
  public static final String TERMINATION_MESSAGE_INVALID = "TerminationMessageInvalid";

  private TrainingJobEvents() {}
}
