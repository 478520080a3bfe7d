package dev.kiln.sandbox.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * What the sandbox's node gives every pod it runs: the API, the container runtime, the local
 * images, pod addresses and cluster names, volumes, container environments, the host's Python and
 * its import check, the ledger of started processes, the clock, and where to tell the sandbox's
 * user what this machine lacks.
 */
record Node(
    KubernetesClient client,
    ContainerRuntime runtime,
    LocalImages images,
    PodNetwork network,
    ClusterDns dns,
    PodVolumes volumes,
    ContainerEnvironment environment,
    PythonImports imports,
    ProcessLedger ledger,
    Clock clock,
    Consumer<String> notices) {

  /** The parts of a node that are not the API's or the volumes'. */
  record Host(
      ContainerRuntime runtime,
      LocalImages images,
      PodNetwork network,
      ClusterDns dns,
      HostPython python,
      ProcessLedger ledger,
      Clock clock,
      Consumer<String> notices) {}

  /** A node whose volumes and environments read ConfigMaps and Secrets through {@code client}. */
  static Node of(KubernetesClient client, VolumeProvisioner provisioner, Host host) {
    ConfigSources sources = new ConfigSources(client);
    return new Node(
        client,
        host.runtime(),
        host.images(),
        host.network(),
        host.dns(),
        new PodVolumes(client, sources, provisioner),
        new ContainerEnvironment(sources),
        new PythonImports(host.python()),
        host.ledger(),
        host.clock(),
        host.notices());
  }

  Instant now() {
    return clock.instant();
  }
}
