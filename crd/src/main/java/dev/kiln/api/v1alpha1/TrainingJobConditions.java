package dev.kiln.api.v1alpha1;

import java.util.List;

/**
 * The condition types of a TrainingJob's status and the reasons Kiln gives them, so the operator,
 * the sandbox and the tests name them the same way. Failure reasons that come from Kubernetes
 * (ImagePullBackOff, OOMKilled, …) are not listed: they are copied from the pods as they are.
 */
public final class TrainingJobConditions {
  // Condition types.
  public static final String ACCEPTED = "Accepted";
  public static final String RUNNING = "Running";
  public static final String SUCCEEDED = "Succeeded";
  public static final String FAILED = "Failed";
  public static final String SUSPENDED = "Suspended";
  public static final String STALLED = "Stalled";
  public static final String MODEL_QUALIFIED = "ModelQualified";

  /** The order the conditions appear in the status. */
  public static final List<String> ORDER =
      List.of(ACCEPTED, RUNNING, SUCCEEDED, FAILED, SUSPENDED, STALLED, MODEL_QUALIFIED);

  // Accepted.
  public static final String VALID = "Valid";
  public static final String INVALID_SPEC = "InvalidSpec";

  // Running, while it is False before the trainer runs.
  public static final String PENDING = "Pending";
  public static final String CREATING = "Creating";
  public static final String RESUMING = "Resuming";
  public static final String PODS_STARTING = "PodsStarting";

  /**
   * A Job, claim or Service of this run's name still belongs to an earlier TrainingJob of the same
   * name (deleted, its children not yet garbage-collected): the run waits instead of using them.
   */
  public static final String PREVIOUS_RUN_OBJECTS = "PreviousRunObjects";

  // Running, while it is True.
  public static final String TRAINER_RUNNING = "TrainerRunning";
  public static final String INSPECTING_MODEL = "InspectingModel";
  public static final String UPLOADING_MODEL = "UploadingModel";

  // Succeeded and Suspended.
  public static final String JOB_COMPLETE = "JobComplete";
  public static final String SUSPENDED_BY_SPEC = "SuspendedBySpec";
  public static final String QUEUED = "Queued";

  // Stalled.
  public static final String NOT_RUNNING = "NotRunning";
  public static final String NO_PROGRESS_DEADLINE = "NoProgressDeadline";
  public static final String PROGRESSING = "Progressing";
  public static final String NO_PROGRESS = "NoProgress";

  // ModelQualified.
  public static final String RUN_FAILED = "RunFailed";
  public static final String NOT_FINISHED = "NotFinished";
  public static final String NO_QUALITY_GATE = "NoQualityGate";
  public static final String QUALITY_GATE_FAILED = "QualityGateFailed";
  public static final String QUALITY_GATE_PASSED = "QualityGatePassed";

  // Failed: the reasons Kiln itself decides (status.failure.reason).
  public static final String UPLOAD_FAILED = "UploadFailed";
  public static final String MODEL_MISSING = "ModelMissing";
  public static final String ARTIFACT_DIGEST_MISMATCH = "ArtifactDigestMismatch";
  public static final String INSPECTION_FAILED = "InspectionFailed";
  public static final String STARTUP_DEADLINE_EXCEEDED = "StartupDeadlineExceeded";
  public static final String DEADLINE_EXCEEDED = "DeadlineExceeded";
  public static final String BACKOFF_LIMIT_EXCEEDED = "BackoffLimitExceeded";
  public static final String ERROR = "Error";

  /**
   * The kubelet refused to start a container of the user's image under runAsNonRoot: the image runs
   * as root, or as a non-numeric user it cannot check. Fails the run at once.
   */
  public static final String IMAGE_RUNS_AS_ROOT = "ImageRunsAsRoot";

  private TrainingJobConditions() {}
}
