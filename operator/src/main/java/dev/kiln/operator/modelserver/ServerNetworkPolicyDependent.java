package dev.kiln.operator.modelserver;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The NetworkPolicy, unless spec.networkPolicy.enabled is false. */
@KubernetesDependent(informer = @Informer(labelSelector = SpecHashDependent.SELECTOR))
public class ServerNetworkPolicyDependent extends SpecHashDependent<NetworkPolicy> {
  public ServerNetworkPolicyDependent() {
    super(NetworkPolicy.class, (ms, context) -> ServerNetworkPolicyBuilder.build(ms));
  }
}
