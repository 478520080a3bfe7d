package dev.kiln.operator.modelserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.Autoscaling;
import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.NetworkPolicySpec;
import dev.kiln.operator.support.KilnLabels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Service, HPA, NetworkPolicy and PDB of a ModelServer. */
class ServerChildBuildersTest {
  final ModelServer ms = ModelServers.fromJob("iris", "iris");

  @Test
  void serviceIsClusterIpOnTheServerPortNamedHttp() {
    ms.getSpec().setPort(9000);
    Service svc = ServerServiceBuilder.build(ms);
    assertThat(svc.getMetadata().getName()).isEqualTo("iris");
    assertThat(svc.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(svc.getSpec().getSelector())
        .containsEntry(KilnLabels.MODEL_SERVER, "iris")
        .containsEntry(KilnLabels.COMPONENT, "server");
    assertThat(svc.getSpec().getPorts().get(0))
        .satisfies(
            p -> {
              assertThat(p.getName()).isEqualTo("http");
              assertThat(p.getPort()).isEqualTo(9000);
              assertThat(p.getTargetPort().getStrVal()).isEqualTo("http");
              assertThat(p.getAppProtocol()).isEqualTo("http");
            });
    owned(svc);
    assertThat(ModelServerNames.url(ms)).isEqualTo("http://iris.team-a.svc.cluster.local:9000");
  }

  @Test
  void serviceExposesTheReferenceServersGrpcPortAsH2c() {
    Service svc = ServerServiceBuilder.build(ms);
    assertThat(svc.getSpec().getPorts())
        .extracting(p -> p.getName() + "=" + p.getPort())
        .containsExactly("http=8080", "grpc=8081");
    assertThat(svc.getSpec().getPorts().get(1))
        .satisfies(
            p -> {
              assertThat(p.getAppProtocol()).isEqualTo("kubernetes.io/h2c");
              assertThat(p.getProtocol()).isEqualTo("TCP");
              assertThat(p.getTargetPort().getStrVal()).isEqualTo("grpc");
            });
    assertThat(ModelServerNames.grpcAddress(ms)).hasValue("iris.team-a.svc.cluster.local:8081");

    ms.getSpec().setGrpcPort(9001);
    assertThat(ServerServiceBuilder.build(ms).getSpec().getPorts().get(1).getPort())
        .isEqualTo(9001);
    assertThat(ModelServerNames.grpcAddress(ms)).hasValue("iris.team-a.svc.cluster.local:9001");
  }

  @Test
  void aCustomImageWithoutAGrpcPortHasOnlyHttp() {
    ms.getSpec().setImage("registry.example/my-server:1");
    assertThat(ServerServiceBuilder.build(ms).getSpec().getPorts())
        .extracting(p -> p.getName())
        .containsExactly("http");
    assertThat(ServerNetworkPolicyBuilder.build(ms).orElseThrow().getSpec().getIngress())
        .singleElement()
        .satisfies(
            i ->
                assertThat(i.getPorts())
                    .extracting(p -> p.getPort().getIntVal())
                    .containsExactly(8080));
    assertThat(ModelServerNames.grpcAddress(ms)).isEmpty();

    ms.getSpec().setGrpcPort(50051);
    assertThat(ServerServiceBuilder.build(ms).getSpec().getPorts())
        .extracting(p -> p.getName() + "=" + p.getPort())
        .containsExactly("http=8080", "grpc=50051");
  }

  @Test
  void defaultPortIs8080() {
    assertThat(ServerServiceBuilder.build(ms).getSpec().getPorts().get(0).getPort())
        .isEqualTo(8080);
  }

  @Test
  void autoscalerOnlyWithAutoscalingOnCpuUtilisation() {
    assertThat(ServerAutoscalerBuilder.build(ms)).isEmpty();
    ms.getSpec()
        .setAutoscaling(
            Autoscaling.builder()
                .minReplicas(2)
                .maxReplicas(10)
                .targetCpuUtilizationPercentage(60)
                .build());
    HorizontalPodAutoscaler hpa = ServerAutoscalerBuilder.build(ms).orElseThrow();
    assertThat(hpa.getApiVersion()).isEqualTo("autoscaling/v2");
    assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
    assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("iris");
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(10);
    var metric = hpa.getSpec().getMetrics().get(0);
    assertThat(metric.getResource().getName()).isEqualTo("cpu");
    assertThat(metric.getResource().getTarget().getType()).isEqualTo("Utilization");
    assertThat(metric.getResource().getTarget().getAverageUtilization()).isEqualTo(60);
    owned(hpa);
  }

  @Test
  void autoscalerDefaultsToOneReplicaAndEightyPercent() {
    ms.getSpec().setAutoscaling(Autoscaling.builder().maxReplicas(3).build());
    HorizontalPodAutoscaler hpa = ServerAutoscalerBuilder.build(ms).orElseThrow();
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(1);
    assertThat(hpa.getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization())
        .isEqualTo(80);
  }

  @Test
  void networkPolicyByDefaultAdmitsTheSameNamespaceToTheServerPortsOnly() {
    NetworkPolicy np = ServerNetworkPolicyBuilder.build(ms).orElseThrow();
    assertThat(np.getSpec().getPodSelector().getMatchLabels())
        .isEqualTo(ModelServerNames.selector(ms));
    assertThat(np.getSpec().getPolicyTypes()).containsExactly("Ingress");
    var ingress = np.getSpec().getIngress();
    assertThat(ingress).hasSize(1);
    assertThat(ingress.get(0).getPorts())
        .extracting(p -> p.getProtocol() + "/" + p.getPort().getIntVal())
        .as("http and grpc")
        .containsExactly("TCP/8080", "TCP/8081");
    assertThat(ingress.get(0).getFrom())
        .singleElement()
        .satisfies(
            peer -> {
              assertThat(peer.getPodSelector()).isNotNull();
              assertThat(peer.getPodSelector().getMatchLabels()).isNullOrEmpty();
              assertThat(peer.getNamespaceSelector()).isNull();
            });
    owned(np);
  }

  @Test
  void networkPolicyAdmitsOnlyTheAllowFromPeers() {
    var gateway =
        new NetworkPolicySpec.Peer(
            new LabelSelectorBuilder().withMatchLabels(Map.of("app", "gateway")).build(), null);
    var monitoring =
        new NetworkPolicySpec.Peer(
            null,
            new LabelSelectorBuilder()
                .withMatchLabels(Map.of("kubernetes.io/metadata.name", "monitoring"))
                .build());
    ms.getSpec()
        .setNetworkPolicy(
            NetworkPolicySpec.builder().allowFrom(List.of(gateway, monitoring)).build());
    NetworkPolicy np = ServerNetworkPolicyBuilder.build(ms).orElseThrow();
    var from = np.getSpec().getIngress().get(0).getFrom();
    assertThat(from).hasSize(2);
    assertThat(from.get(0).getPodSelector().getMatchLabels()).containsEntry("app", "gateway");
    assertThat(from.get(0).getNamespaceSelector()).isNull();
    assertThat(from.get(1).getPodSelector()).isNull();
    assertThat(from.get(1).getNamespaceSelector().getMatchLabels())
        .containsEntry("kubernetes.io/metadata.name", "monitoring");
  }

  @Test
  void noNetworkPolicyWhenDisabled() {
    ms.getSpec().setNetworkPolicy(NetworkPolicySpec.builder().enabled(false).build());
    assertThat(ServerNetworkPolicyBuilder.build(ms)).isEmpty();
    ms.getSpec().setNetworkPolicy(NetworkPolicySpec.builder().enabled(true).build());
    assertThat(ServerNetworkPolicyBuilder.build(ms)).isPresent();
  }

  @Test
  void disruptionBudgetOnlyWithMoreThanOneReplica() {
    assertThat(ServerDisruptionBudgetBuilder.build(ms)).isEmpty();
    ms.getSpec().setReplicas(1);
    assertThat(ServerDisruptionBudgetBuilder.build(ms)).isEmpty();
    ms.getSpec().setReplicas(2);
    PodDisruptionBudget pdb = ServerDisruptionBudgetBuilder.build(ms).orElseThrow();
    assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
    assertThat(pdb.getSpec().getSelector().getMatchLabels())
        .isEqualTo(ModelServerNames.selector(ms));
    owned(pdb);
  }

  @Test
  void disruptionBudgetWithAutoscalingFollowsMinReplicas() {
    ms.getSpec().setReplicas(5);
    ms.getSpec().setAutoscaling(Autoscaling.builder().maxReplicas(4).build());
    assertThat(ServerDisruptionBudgetBuilder.build(ms)).as("minReplicas defaults to 1").isEmpty();
    ms.getSpec().setAutoscaling(Autoscaling.builder().minReplicas(2).maxReplicas(4).build());
    assertThat(ServerDisruptionBudgetBuilder.build(ms)).isPresent();
  }

  @Test
  void specHashIsStableAndFollowsTheSpec() {
    String first = SpecHash.of(ServerServiceBuilder.build(ms));
    assertThat(SpecHash.of(ServerServiceBuilder.build(ms))).isEqualTo(first);
    ms.getSpec().setPort(9090);
    assertThat(SpecHash.of(ServerServiceBuilder.build(ms))).isNotEqualTo(first);
  }

  private static void owned(HasMetadata child) {
    assertThat(child.getMetadata().getLabels())
        .containsEntry(KilnLabels.MODEL_SERVER, "iris")
        .containsEntry(KilnLabels.MANAGED_BY, "kiln-operator");
    assertThat(child.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getController()).isTrue());
    assertThat(child.getMetadata().getAnnotations()).containsKey(SpecHash.ANNOTATION);
  }
}
