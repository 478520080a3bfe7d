package dev.kiln.operator.modelserver;

import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.operator.support.KilnLabels;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What every child of a ModelServer shares: its name (the ModelServer's, one child of each kind),
 * labels, owner reference, the server pods' selector, the ports and the in-cluster addresses. Pure.
 */
public final class ModelServerNames {
  public static final String APP_NAME = "kiln-model-server";
  public static final String SERVER = "server";
  public static final String PORT_NAME = "http";
  public static final int DEFAULT_PORT = 8080;
  public static final String GRPC_PORT_NAME = "grpc";

  /** The reference server's gRPC port (its KILN_GRPC_PORT default). */
  public static final int DEFAULT_GRPC_PORT = 8081;

  private ModelServerNames() {}

  /** Every child has the ModelServer's name: one of each kind. */
  public static String name(ModelServer ms) {
    return ms.getMetadata().getName();
  }

  public static int port(ModelServer ms) {
    return Objects.requireNonNullElse(ms.getSpec().getPort(), DEFAULT_PORT);
  }

  /**
   * The gRPC port: spec.grpcPort, else the reference server's default; none for a custom image
   * (spec.image) that does not name one, since it may not speak gRPC.
   */
  public static Optional<Integer> grpcPort(ModelServer ms) {
    if (ms.getSpec().getGrpcPort() != null) {
      return Optional.of(ms.getSpec().getGrpcPort());
    }
    return ms.getSpec().getImage() == null ? Optional.of(DEFAULT_GRPC_PORT) : Optional.empty();
  }

  /** The in-cluster gRPC target of the Service (host:port, as gRPC clients take it), if any. */
  public static Optional<String> grpcAddress(ModelServer ms) {
    return grpcPort(ms).map(p -> host(ms) + ":" + p);
  }

  /** The in-cluster URL of the Service. */
  public static String url(ModelServer ms) {
    return "http://" + host(ms) + ":" + port(ms);
  }

  private static String host(ModelServer ms) {
    return name(ms) + "." + ms.getMetadata().getNamespace() + ".svc.cluster.local";
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

  /** A child's metadata: name, namespace, labels and the ModelServer as controller owner. */
  static ObjectMeta metadata(ModelServer ms, String component) {
    return new ObjectMetaBuilder()
        .withName(name(ms))
        .withNamespace(ms.getMetadata().getNamespace())
        .withLabels(labels(ms, component))
        .withOwnerReferences(KilnLabels.controllerReference(ms))
        .build();
  }
}
