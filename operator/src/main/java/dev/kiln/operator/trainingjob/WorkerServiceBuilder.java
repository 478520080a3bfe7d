package dev.kiln.operator.trainingjob;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.operator.support.KilnLabels;
import dev.kiln.operator.trainingjob.TrainingJobNames.Child;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.Map;
import java.util.Optional;

/** The headless Service giving each worker of an Indexed Job a stable DNS name for rendezvous. */
public final class WorkerServiceBuilder {
  private WorkerServiceBuilder() {}

  /** Empty for a single worker, which needs no rendezvous. */
  public static Optional<Service> build(TrainingJob tj) {
    if (PodContract.workers(tj) <= 1) {
      return Optional.empty();
    }
    return Optional.of(
        new ServiceBuilder()
            .withMetadata(TrainingMetadata.build(tj, Child.WORKERS, true))
            .withNewSpec()
            .withClusterIP("None")
            .withPublishNotReadyAddresses(true)
            .withSelector(Map.of(KilnLabels.TRAINING_JOB, tj.getMetadata().getName()))
            .addNewPort()
            .withName("coordinator")
            .withPort(PodContract.COORDINATOR_PORT)
            .endPort()
            .endSpec()
            .build());
  }
}
