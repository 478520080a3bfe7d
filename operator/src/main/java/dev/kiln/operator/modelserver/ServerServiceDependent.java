package dev.kiln.operator.modelserver;

import dev.kiln.api.v1alpha1.ModelServer;
import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Optional;

/** The Service in front of the server pods. */
@KubernetesDependent(informer = @Informer(labelSelector = SpecHashDependent.SELECTOR))
public class ServerServiceDependent extends SpecHashDependent<Service> {
  public ServerServiceDependent() {
    super(Service.class, (ms, context) -> Optional.of(ServerServiceBuilder.build(ms)));
  }

  /** A Service's cluster IP is the API server's; a replace keeps it. */
  @Override
  protected Service carryOver(Service observed, Service desired, ModelServer ms) {
    desired.getSpec().setClusterIP(observed.getSpec().getClusterIP());
    desired.getSpec().setClusterIPs(observed.getSpec().getClusterIPs());
    return desired;
  }
}
