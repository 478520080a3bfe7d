package dev.kiln.api.v1alpha1;

/**
 * The reasons of the Events Kiln records on a ModelServer. Besides these, a failure is recorded
 * under its own reason (see {@link ModelServerConditions}).
 */
public final class ModelServerEvents {
  private ModelServerEvents() {}

  /** spec.model resolved to a model. */
  public static final String MODEL_RESOLVED = ModelServerConditions.MODEL_RESOLVED;

  /** The Deployment was created. */
  public static final String DEPLOYING = "Deploying";

  /** The Deployment now serves another model. */
  public static final String ROLLING_OUT = ModelServerConditions.ROLLING_OUT;

  /** The Deployment changed, serving the same model. */
  public static final String DEPLOYMENT_UPDATED = "DeploymentUpdated";

  /**
   * A Warning when the Deployment is created, or changed, with pods that may run as root
   * (spec.pod.securityLevel: baseline).
   */
  public static final String POD_SECURITY_BASELINE = "PodSecurityBaseline";

  /** Every replica runs the new model. */
  public static final String ROLLOUT_COMPLETE = ModelServerConditions.ROLLOUT_COMPLETE;

  // Phase transitions.
  public static final String LOADING = "Loading";
  public static final String READY = "Ready";
  public static final String DEGRADED = "Degraded";
}
