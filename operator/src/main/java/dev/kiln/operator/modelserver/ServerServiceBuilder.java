package dev.kiln.operator.modelserver;

import dev.kiln.api.v1alpha1.ModelServer;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.util.List;

/**
 * Builds a ModelServer's Service: ClusterIP, port http on spec.port and, when the server has a gRPC
 * port, port grpc on it. Pure.
 */
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
            .addAllToPorts(grpc(ms))
            .endSpec()
            .build());
  }

  /**
   * The grpc port, if the server has one. appProtocol kubernetes.io/h2c: gRPC is HTTP/2 without
   * TLS, which service meshes and Gateway implementations must know to route it.
   */
  private static List<ServicePort> grpc(ModelServer ms) {
    return ModelServerNames.grpcPort(ms)
        .map(
            p ->
                new ServicePortBuilder()
                    .withName(ModelServerNames.GRPC_PORT_NAME)
                    .withProtocol("TCP")
                    .withAppProtocol("kubernetes.io/h2c")
                    .withPort(p)
                    .withTargetPort(new IntOrString(ModelServerNames.GRPC_PORT_NAME))
                    .build())
        .stream()
        .toList();
  }
}
