package dev.kiln.operator.trainingjob;

import dev.kiln.api.v1alpha1.TrainingJob;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.Map;

/** The run's mutable facts the pods read at start: the attempt number (KILN_ATTEMPT). */
public final class RunConfigMapBuilder {
  public static final String ATTEMPT_KEY = "attempt";

  private RunConfigMapBuilder() {}

  public static ConfigMap build(TrainingJob tj, int attempt) {
    return new ConfigMapBuilder()
        .withMetadata(
            TrainingMetadata.build(tj, TrainingJobNames.runConfig(tj), "run-config", true))
        .withData(Map.of(ATTEMPT_KEY, Integer.toString(attempt)))
        .build();
  }
}
