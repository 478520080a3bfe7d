package dev.kiln.sandbox.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ControllersArithmeticTest {
  @Test
  void completedIndexesAreWrittenAsKubernetesRanges() {
    assertThat(JobController.ranges(new TreeSet<>(Set.of(0, 1, 2, 5, 7, 8))))
        .isEqualTo("0-2,5,7-8");
    assertThat(JobController.ranges(new TreeSet<>())).isEmpty();
  }

  @Test
  void rollingUpdatePercentagesRoundLikeKubernetes() {
    assertThat(DeploymentController.scaled(new IntOrString("25%"), 3, true, 1)).isEqualTo(1);
    assertThat(DeploymentController.scaled(new IntOrString("25%"), 3, false, 0)).isZero();
    assertThat(DeploymentController.scaled(new IntOrString(2), 3, false, 0)).isEqualTo(2);
  }

  @Test
  void backOffStartsAtOneSecondAndDoublesToTenSeconds() {
    assertThat(Backoff.after(0)).isZero();
    assertThat(Backoff.after(1)).hasSeconds(1);
    assertThat(Backoff.after(2)).hasSeconds(2);
    assertThat(Backoff.after(4)).hasSeconds(8);
    assertThat(Backoff.after(5)).hasSeconds(10);
    assertThat(Backoff.after(40)).hasSeconds(10);
  }

  @Test
  void expandingKeepsUnknownReferencesAndEscapes() {
    var defined = java.util.Map.of("A", "1");
    assertThat(ContainerEnvironment.expand("$(A)-$(B)-$$(A)-$", defined))
        .isEqualTo("1-$(B)-$(A)-$");
  }

  @Test
  void podAddressesAreDistinctLoopbackHostsAndSkipOnesWhosePortIsTaken() throws Exception {
    PodNetwork network = new PodNetwork();
    assertThat(network.allocate(java.util.List.of())).isEqualTo("127.0.0.2");
    try (var stranger = new java.net.ServerSocket()) {
      // Something else (another sandbox, a leftover server) already listens on 127.0.0.3:8080.
      stranger.bind(new java.net.InetSocketAddress("127.0.0.3", 8080));
      assertThat(network.allocate(java.util.List.of(8080))).isEqualTo("127.0.0.4");
    }
    var service = network.listenForService(java.util.List.of(8080));
    assertThat(service.address()).isEqualTo("127.1.0.1");
    assertThat(service.sockets()).singleElement().satisfies(s -> assertThat(s.isBound()).isTrue());
    service.sockets().get(0).close();
  }
}
