package dev.kiln.operator.trainingjob;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.operator.trainingjob.TrainingJobNames.Child;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Map;

/**
 * The one object a run's pods read besides their Job and workspace, owned by the TrainingJob: the
 * Secret that hands the per-job report token to the trainer (created once, never read back).
 */
public final class RunInputsBuilder {
  public static final String REPORT_TOKEN_KEY = "token";

  private RunInputsBuilder() {}

  public static Secret reportTokenSecret(TrainingJob tj, String token) {
    return new SecretBuilder()
        .withMetadata(TrainingMetadata.build(tj, Child.REPORT_TOKEN, true))
        .withType("Opaque")
        .withImmutable(true)
        .withStringData(Map.of(REPORT_TOKEN_KEY, token))
        .build();
  }
}
