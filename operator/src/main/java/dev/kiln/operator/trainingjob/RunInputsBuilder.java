package dev.kiln.operator.trainingjob;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.operator.trainingjob.TrainingJobNames.Child;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Map;

/**
 * The two small objects a run's pods read besides their Job, both owned by the TrainingJob: the
 * Secret that hands the per-job report token to the trainer (created once, never read back), and
 * the ConfigMap with the run's mutable facts (the attempt number, KILN_ATTEMPT).
 */
public final class RunInputsBuilder {
  public static final String REPORT_TOKEN_KEY = "token";
  public static final String ATTEMPT_KEY = "attempt";

  private RunInputsBuilder() {}

  public static Secret reportTokenSecret(TrainingJob tj, String token) {
    return new SecretBuilder()
        .withMetadata(TrainingMetadata.build(tj, Child.REPORT_TOKEN, true))
        .withType("Opaque")
        .withImmutable(true)
        .withStringData(Map.of(REPORT_TOKEN_KEY, token))
        .build();
  }

  public static ConfigMap runConfigMap(TrainingJob tj, int attempt) {
    return new ConfigMapBuilder()
        .withMetadata(TrainingMetadata.build(tj, Child.RUN_CONFIG, true))
        .withData(Map.of(ATTEMPT_KEY, Integer.toString(attempt)))
        .build();
  }
}
