package dev.kiln.sandbox.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;

/**
 * What the sandbox's node gives every pod it runs: the API, the local images, pod addresses,
 * volumes, container environments, the ledger of started processes and the clock.
 */
record Node(
    KubernetesClient client,
    LocalImages images,
    PodNetwork network,
    PodVolumes volumes,
    ContainerEnvironment environment,
    ProcessLedger ledger,
    Clock clock) {

  /** A node whose volumes and environments read ConfigMaps and Secrets through {@code client}. */
  static Node of(
      KubernetesClient client,
      LocalImages images,
      PodNetwork network,
      VolumeProvisioner provisioner,
      ProcessLedger ledger,
      Clock clock) {
    ConfigSources sources = new ConfigSources(client);
    return new Node(
        client,
        images,
        network,
        new PodVolumes(client, sources, provisioner),
        new ContainerEnvironment(sources),
        ledger,
        clock);
  }

  Instant now() {
    return clock.instant();
  }
}
