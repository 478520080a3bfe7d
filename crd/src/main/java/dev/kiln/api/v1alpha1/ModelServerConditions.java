package dev.kiln.api.v1alpha1;

import java.util.List;

/**
 * The condition types of a ModelServer's status and the reasons Kiln gives them, in one place so
 * the operator, the sandbox and the tests use the same names. Failure reasons (status.failure and a
 * failed condition) are reasons too.
 */
public final class ModelServerConditions {
  private ModelServerConditions() {}

  /** True once spec.model names a concrete model the server can load. */
  public static final String MODEL_RESOLVED = "ModelResolved";

  /** True while at least one replica is ready. */
  public static final String AVAILABLE = "Available";

  /** True while Kiln works toward the desired state: creating, rolling out, waiting for a model. */
  public static final String PROGRESSING = "Progressing";

  /** True when every replica serves the resolved model. */
  public static final String READY = "Ready";

  /** The order the conditions are listed in. */
  public static final List<String> ORDER = List.of(MODEL_RESOLVED, AVAILABLE, PROGRESSING, READY);

  // ModelResolved reasons.
  public static final String RESOLVED = "Resolved";
  public static final String INVALID_SPEC = "InvalidSpec";
  public static final String WAITING_FOR_TRAINING_JOB = "WaitingForTrainingJob";
  public static final String TRAINING_JOB_NOT_FOUND = "TrainingJobNotFound";
  public static final String TRAINING_JOB_FAILED = "TrainingJobFailed";
  public static final String NO_QUALIFIED_MODEL = "NoQualifiedModel";

  /** The model's format is not ONNX and no spec.image says which server can load it. */
  public static final String UNSUPPORTED_MODEL_FORMAT = "UnsupportedModelFormat";

  // Available reasons.
  public static final String NO_DEPLOYMENT = "NoDeployment";
  public static final String MINIMUM_REPLICAS_AVAILABLE = "MinimumReplicasAvailable";
  public static final String SCALED_TO_ZERO = "ScaledToZero";
  public static final String NO_REPLICAS_READY = "NoReplicasReady";

  // Progressing reasons.
  public static final String CREATING = "Creating";
  public static final String ROLLING_OUT = "RollingOut";
  public static final String ROLLOUT_COMPLETE = "RolloutComplete";
  public static final String WAITING_FOR_MODEL = "WaitingForModel";

  // Ready reasons besides the phase names (Pending, Loading, Ready).
  public static final String REPLICAS_NOT_READY = "ReplicasNotReady";

  // Failure reasons of the server pods and the Deployment.
  public static final String READINESS_TIMEOUT = "ReadinessTimeout";
  public static final String UNSCHEDULABLE = "Unschedulable";
  public static final String CRASH_LOOP_BACK_OFF = "CrashLoopBackOff";
  public static final String OOM_KILLED = "OOMKilled";
  public static final String PROGRESS_DEADLINE_EXCEEDED = "ProgressDeadlineExceeded";

  /** The server image runs as root (or a non-numeric user) and the pod requires non-root. */
  public static final String IMAGE_RUNS_AS_ROOT = TrainingJobConditions.IMAGE_RUNS_AS_ROOT;
}
