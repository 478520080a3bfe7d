package dev.kiln.operator.modelserver;

import dev.kiln.api.v1alpha1.ModelServer;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;

/** Builds a ModelServer's Service: ClusterIP on spec.port, port name http. Pure. */
public final class ServerServiceBuilder {
  private ServerServiceBuilder() {}

  public static Service build(ModelServer ms) {
    return SpecHash.stamp(
        new ServiceBuilder()
            .withMetadata(ModelServerNames.metadata(ms, "service"))
            .withNewSpec()
            .withType("ClusterIP")
            .withSelector(ModelServerNames.selector(ms))
            .addNewPort()
            .withName(ModelServerNames.PORT_NAME)
            .withProtocol("TCP")
            .withAppProtocol("http")
            .withPort(ModelServerNames.port(ms))
            .withTargetPort(new IntOrString(ModelServerNames.PORT_NAME))
            .endPort()
            .endSpec()
            .build());
  }
}
