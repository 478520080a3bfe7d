package dev.kiln.operator.modelserver;

import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.NetworkPolicySpec;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds a ModelServer's NetworkPolicy: ingress to the server's ports only (http and grpc), from
 * spec.networkPolicy.allowFrom, or from pods in the same namespace when that is empty; none when
 * networkPolicy.enabled is false. Pure.
 */
public final class ServerNetworkPolicyBuilder {
  private ServerNetworkPolicyBuilder() {}

  public static Optional<NetworkPolicy> build(ModelServer ms) {
    NetworkPolicySpec np = ms.getSpec().getNetworkPolicy();
    boolean disabled = np != null && Boolean.FALSE.equals(np.getEnabled());
    return disabled ? Optional.empty() : Optional.of(policy(ms, np));
  }

  private static NetworkPolicy policy(ModelServer ms, NetworkPolicySpec np) {
    return SpecHash.stamp(
        new NetworkPolicyBuilder()
            .withMetadata(ModelServerNames.metadata(ms, "network-policy"))
            .withNewSpec()
            .withPodSelector(
                new LabelSelectorBuilder().withMatchLabels(ModelServerNames.selector(ms)).build())
            .withPolicyTypes("Ingress")
            .addNewIngress()
            .withFrom(peers(np))
            .withPorts(ports(ms))
            .endIngress()
            .endSpec()
            .build());
  }

  /** The server's ports: http, and grpc if it has one. */
  private static List<NetworkPolicyPort> ports(ModelServer ms) {
    List<NetworkPolicyPort> ports = new ArrayList<>();
    ports.add(port(ModelServerNames.port(ms)));
    ModelServerNames.grpcPort(ms).ifPresent(p -> ports.add(port(p)));
    return ports;
  }

  private static NetworkPolicyPort port(int number) {
    return new NetworkPolicyPortBuilder()
        .withProtocol("TCP")
        .withPort(new IntOrString(number))
        .build();
  }

  private static List<NetworkPolicyPeer> peers(NetworkPolicySpec np) {
    if (np == null || np.getAllowFrom() == null || np.getAllowFrom().isEmpty()) {
      return List.of(new NetworkPolicyPeerBuilder().withPodSelector(new LabelSelector()).build());
    }
    return np.getAllowFrom().stream()
        .map(
            p ->
                new NetworkPolicyPeerBuilder()
                    .withPodSelector(p.getPodSelector())
                    .withNamespaceSelector(p.getNamespaceSelector())
                    .build())
        .toList();
  }
}
