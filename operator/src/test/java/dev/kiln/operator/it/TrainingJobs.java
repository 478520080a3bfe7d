package dev.kiln.operator.it;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;

/** TrainingJobs as a user would write them, for the integration tests. */
final class TrainingJobs {
  private TrainingJobs() {}

  static TrainingJob basic(String name) {
    TrainingJob tj = new TrainingJob();
    tj.setMetadata(
        new ObjectMetaBuilder().withName(name).withNamespace(KilnTestCluster.NS).build());
    TrainingJobSpec spec = new TrainingJobSpec();
    spec.setImage("ghcr.io/kiln-dev/kiln-trainer:0.1.0");
    spec.setHyperparameters(Map.of("epochs", "5", "learning_rate", "0.1"));
    tj.setSpec(spec);
    return tj;
  }
}
