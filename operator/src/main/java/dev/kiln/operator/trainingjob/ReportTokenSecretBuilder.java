package dev.kiln.operator.trainingjob;

import dev.kiln.api.v1alpha1.TrainingJob;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Map;

/** The Secret that hands the per-job report token to the trainer; created once, never read. */
public final class ReportTokenSecretBuilder {
  public static final String REPORT_TOKEN_KEY = "token";

  private ReportTokenSecretBuilder() {}

  public static Secret build(TrainingJob tj, String token) {
    return new SecretBuilder()
        .withMetadata(
            TrainingMetadata.build(tj, TrainingJobNames.reportSecret(tj), "report-token", true))
        .withType("Opaque")
        .withImmutable(true)
        .withStringData(Map.of(REPORT_TOKEN_KEY, token))
        .build();
  }
}
