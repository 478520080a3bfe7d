package dev.kiln.operator.modelserver;

import dev.kiln.api.v1alpha1.Autoscaling;
import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.ModelServerSpec;
import dev.kiln.api.v1alpha1.NetworkPolicySpec;
import dev.kiln.operator.support.KilnLabels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The desired state of a ModelServer's Service, HorizontalPodAutoscaler, NetworkPolicy and
 * PodDisruptionBudget, plus what every child shares: name, labels, owner reference and the
 * spec-hash annotation the reconciler compares to decide whether a child needs replacing. Pure.
 */
public final class ModelServerChildren {
  public static final String APP_NAME = "kiln-model-server";
  public static final String SERVER = "server";
  public static final String PORT_NAME = "http";

  /**
   * A hash of everything Kiln sets on a child. The reconciler replaces the child when its hash
   * differs from the desired one, so a reconcile with nothing new writes nothing, even against an
   * API server that fills in defaults Kiln never set.
   */
  public static final String SPEC_HASH = "kiln.dev/spec-hash";

  public static final int DEFAULT_PORT = 8080;
  public static final int DEFAULT_REPLICAS = 1;
  public static final int DEFAULT_MIN_REPLICAS = 1;
  public static final int DEFAULT_TARGET_CPU = 80;

  private ModelServerChildren() {}

  /** Every child has the ModelServer's name: one of each kind. */
  public static String name(ModelServer ms) {
    return ms.getMetadata().getName();
  }

  public static int port(ModelServer ms) {
    return Objects.requireNonNullElse(ms.getSpec().getPort(), DEFAULT_PORT);
  }

  /** Fixed replicas; with autoscaling, the number to start with before the HPA takes over. */
  public static int replicas(ModelServer ms) {
    Autoscaling a = ms.getSpec().getAutoscaling();
    if (a != null) {
      return minReplicas(a);
    }
    return Objects.requireNonNullElse(ms.getSpec().getReplicas(), DEFAULT_REPLICAS);
  }

  static int minReplicas(Autoscaling a) {
    return Objects.requireNonNullElse(a.getMinReplicas(), DEFAULT_MIN_REPLICAS);
  }

  public static boolean autoscaled(ModelServer ms) {
    return ms.getSpec().getAutoscaling() != null;
  }

  /** The in-cluster URL of the Service. */
  public static String url(ModelServer ms) {
    return "http://"
        + name(ms)
        + "."
        + ms.getMetadata().getNamespace()
        + ".svc.cluster.local:"
        + port(ms);
  }

  /** The labels of the server pods (also the Deployment's, Service's and policies' selector). */
  public static Map<String, String> selector(ModelServer ms) {
    Map<String, String> selector = new LinkedHashMap<>();
    selector.put(KilnLabels.MODEL_SERVER, name(ms));
    selector.put(KilnLabels.COMPONENT, SERVER);
    return selector;
  }

  public static Map<String, String> labels(ModelServer ms, String component) {
    return KilnLabels.of(KilnLabels.MODEL_SERVER, name(ms), APP_NAME, component);
  }

  static ObjectMeta metadata(ModelServer ms, String component) {
    return new ObjectMetaBuilder()
        .withName(name(ms))
        .withNamespace(ms.getMetadata().getNamespace())
        .withLabels(labels(ms, component))
        .withOwnerReferences(KilnLabels.controllerReference(ms))
        .build();
  }

  /** ClusterIP Service on spec.port, port name http. */
  public static Service service(ModelServer ms) {
    return withSpecHash(
        new ServiceBuilder()
            .withMetadata(metadata(ms, "service"))
            .withNewSpec()
            .withType("ClusterIP")
            .withSelector(selector(ms))
            .addNewPort()
            .withName(PORT_NAME)
            .withProtocol("TCP")
            .withAppProtocol("http")
            .withPort(port(ms))
            .withTargetPort(new IntOrString(PORT_NAME))
            .endPort()
            .endSpec()
            .build());
  }

  /** An autoscaling/v2 HPA on CPU utilisation, when spec.autoscaling is set. */
  public static Optional<HorizontalPodAutoscaler> autoscaler(ModelServer ms) {
    Autoscaling a = ms.getSpec().getAutoscaling();
    if (a == null) {
      return Optional.empty();
    }
    return Optional.of(
        withSpecHash(
            new HorizontalPodAutoscalerBuilder()
                .withMetadata(metadata(ms, "autoscaler"))
                .withNewSpec()
                .withNewScaleTargetRef()
                .withApiVersion("apps/v1")
                .withKind("Deployment")
                .withName(name(ms))
                .endScaleTargetRef()
                .withMinReplicas(minReplicas(a))
                .withMaxReplicas(a.getMaxReplicas())
                .addNewMetric()
                .withType("Resource")
                .withNewResource()
                .withName("cpu")
                .withNewTarget()
                .withType("Utilization")
                .withAverageUtilization(
                    Objects.requireNonNullElse(
                        a.getTargetCpuUtilizationPercentage(), DEFAULT_TARGET_CPU))
                .endTarget()
                .endResource()
                .endMetric()
                .endSpec()
                .build()));
  }

  /**
   * Ingress to the server port only, from spec.networkPolicy.allowFrom, or from pods in the same
   * namespace when that is empty; none when networkPolicy.enabled is false.
   */
  public static Optional<NetworkPolicy> networkPolicy(ModelServer ms) {
    NetworkPolicySpec np = ms.getSpec().getNetworkPolicy();
    if (np != null && Boolean.FALSE.equals(np.getEnabled())) {
      return Optional.empty();
    }
    List<NetworkPolicyPeer> from =
        np == null || np.getAllowFrom() == null || np.getAllowFrom().isEmpty()
            ? List.of(new NetworkPolicyPeerBuilder().withPodSelector(new LabelSelector()).build())
            : np.getAllowFrom().stream()
                .map(
                    p ->
                        new NetworkPolicyPeerBuilder()
                            .withPodSelector(p.getPodSelector())
                            .withNamespaceSelector(p.getNamespaceSelector())
                            .build())
                .toList();
    return Optional.of(
        withSpecHash(
            new NetworkPolicyBuilder()
                .withMetadata(metadata(ms, "network-policy"))
                .withNewSpec()
                .withPodSelector(new LabelSelectorBuilder().withMatchLabels(selector(ms)).build())
                .withPolicyTypes("Ingress")
                .addNewIngress()
                .withFrom(from)
                .addNewPort()
                .withProtocol("TCP")
                .withPort(new IntOrString(port(ms)))
                .endPort()
                .endIngress()
                .endSpec()
                .build()));
  }

  /**
   * minAvailable 1 when more than one replica runs (fixed, or autoscaling with minReplicas > 1), so
   * a node drain never takes the last ready server away. With one replica a PDB would block drains.
   */
  public static Optional<PodDisruptionBudget> disruptionBudget(ModelServer ms) {
    ModelServerSpec spec = ms.getSpec();
    int fewest =
        spec.getAutoscaling() != null
            ? minReplicas(spec.getAutoscaling())
            : Objects.requireNonNullElse(spec.getReplicas(), DEFAULT_REPLICAS);
    if (fewest <= 1) {
      return Optional.empty();
    }
    return Optional.of(
        withSpecHash(
            new PodDisruptionBudgetBuilder()
                .withMetadata(metadata(ms, "disruption-budget"))
                .withNewSpec()
                .withMinAvailable(new IntOrString(1))
                .withSelector(new LabelSelectorBuilder().withMatchLabels(selector(ms)).build())
                .endSpec()
                .build()));
  }

  /** Sets the spec-hash annotation: a hash of the object as built, before the annotation. */
  static <T extends HasMetadata> T withSpecHash(T desired) {
    String hash = hash(desired);
    Map<String, String> annotations =
        desired.getMetadata().getAnnotations() == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(desired.getMetadata().getAnnotations());
    annotations.put(SPEC_HASH, hash);
    desired.getMetadata().setAnnotations(annotations);
    return desired;
  }

  /** The spec-hash annotation of an observed child, null if it has none. */
  public static String specHash(HasMetadata observed) {
    Map<String, String> annotations = observed.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(SPEC_HASH);
  }

  /** First 16 hex digits of the SHA-256 of the object's JSON form. */
  static String hash(Object o) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(Serialization.asJson(o).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
