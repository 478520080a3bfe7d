package dev.kiln.operator.trainingjob;

import dev.kiln.api.v1alpha1.TrainingJob;

/**
 * Deterministic names of a TrainingJob's children, so a restarted operator finds what it created
 * instead of creating it again.
 */
public final class TrainingJobNames {
  /** Longest TrainingJob name whose derived Job, pod and Service host names stay valid. */
  public static final int MAX_NAME_LENGTH = 52;

  private TrainingJobNames() {}

  /** The Job of the run; "-1" is the run number, which stays 1 while the spec is immutable. */
  public static String job(TrainingJob tj) {
    return tj.getMetadata().getName() + "-1";
  }

  /** The follow-up Job that copies the model to spec.output.uri. */
  public static String upload(TrainingJob tj) {
    return tj.getMetadata().getName() + "-upload";
  }

  public static String workspace(TrainingJob tj) {
    return tj.getMetadata().getName() + "-workspace";
  }

  public static String reportSecret(TrainingJob tj) {
    return tj.getMetadata().getName() + "-report-token";
  }

  public static String runConfig(TrainingJob tj) {
    return tj.getMetadata().getName() + "-run";
  }

  public static String workersService(TrainingJob tj) {
    return tj.getMetadata().getName() + "-workers";
  }
}
