package dev.kiln.sandbox;

import dev.kiln.testkit.api.MockApiServer;
import dev.kiln.testkit.crd.CrdValidator;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.Dispatcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sandbox's Kubernetes API: the fabric8 mock API server in CRUD mode with Kiln's CRDs applied
 * (the test kit's {@link MockApiServer}), and in front of its store what kubectl needs and the mock
 * lacks (docs/design.md#known-limits): discovery and OpenAPI v3, pod logs, server-side tables,
 * field selectors, namespaces that can be deleted, admission of Kiln's resources against the CRDs,
 * and HTTP watches ({@link ApiListener}, on the address users and the kubeconfig see). The
 * in-process clients (the operator, the simulated cluster) use the mock's own listener, with the
 * same dispatchers.
 */
public final class SandboxApiServer implements AutoCloseable {
  /** What {@code kubectl version} reports for the server. */
  private static final Map<String, String> VERSION =
      Map.of(
          "major", "1",
          "minor", "32",
          "gitVersion", "v1.32.0-kiln-sandbox",
          "platform", "fabric8 mock API server (CRUD mode)");

  private static final Map<String, String> KILN_KINDS =
      Map.of(
          "kiln.dev/v1alpha1/trainingjobs", "TrainingJob",
          "kiln.dev/v1alpha1/modelservers", "ModelServer");

  private final MockApiServer api;
  private final Chain chain;
  private final ApiListener listener;

  /**
   * Each part answers what the mock cannot and hands the rest on, in this order: discovery, OpenAPI
   * and 404s; request bodies the store cannot read; pod logs; tables for kubectl's columns; field
   * selectors; field validation of built-in kinds; namespaces; admission (CRD validation); then the
   * mock's CRUD store.
   */
  private record Chain(
      DiscoveryDispatcher discovery,
      TableDispatcher tables,
      FieldSelectorDispatcher selectors,
      FieldValidationDispatcher validation,
      NamespaceDispatcher namespaces) {
    static Chain around(Dispatcher store, CrdValidator validator, Path podLogs, Clock clock) {
      NamespaceDispatcher namespaces =
          new NamespaceDispatcher(new AdmissionDispatcher(store, validator, KILN_KINDS));
      FieldValidationDispatcher validation = new FieldValidationDispatcher(namespaces);
      FieldSelectorDispatcher selectors = new FieldSelectorDispatcher(validation);
      TableDispatcher tables = new TableDispatcher(selectors, clock);
      DiscoveryDispatcher discovery =
          new DiscoveryDispatcher(new RequestBodyDispatcher(new PodLogDispatcher(tables, podLogs)));
      return new Chain(discovery, tables, selectors, validation, namespaces);
    }
  }

  /**
   * Starts the API server on 127.0.0.1:{@code port} (0: any free port); Kiln's resources are
   * checked against the CRDs committed in the repository at {@code root}, as a real API server
   * would, and pod logs are read from the kubelet's folder {@code podLogs}.
   */
  public SandboxApiServer(Path root, Path podLogs, int port) {
    List<Path> crdFiles = CrdValidator.KILN_CRDS.stream().map(root::resolve).toList();
    CrdValidator validator = CrdValidator.forCrds(crdFiles);
    Clock clock = Clock.systemUTC();
    Chain[] chain = new Chain[1];
    api =
        MockApiServer.builder()
            .around(
                store -> {
                  chain[0] = Chain.around(store, validator, podLogs, clock);
                  return chain[0].discovery();
                })
            .listenOn(InetAddress.getLoopbackAddress(), 0)
            // The committed CRDs, as a user installs them (the printer columns in their declared
            // order).
            .crdFiles(crdFiles)
            .start();
    this.chain = chain[0];
    api.crds().forEach(this.chain.tables()::add);
    ApiDiscovery apis = new ApiDiscovery(api.crds());
    this.chain.selectors().serve(apis);
    this.chain.validation().serve(apis);
    this.chain.namespaces().serve(apis);
    serveDiscovery(apis, new OpenApiDocuments(apis, api.crds()));
    try {
      listener =
          new ApiListener(
              this.chain.discovery(), this.chain.tables(), InetAddress.getLoopbackAddress(), port);
    } catch (RuntimeException e) {
      api.close();
      throw e;
    }
  }

  private void serveDiscovery(ApiDiscovery discovery, OpenApiDocuments openApi) {
    Map<String, String> documents = new HashMap<>();
    documents.put("/api", Serialization.asJson(discovery.coreVersions()));
    documents.put("/apis", Serialization.asJson(discovery.groups()));
    discovery
        .groups()
        .getGroups()
        .forEach(g -> documents.put("/apis/" + g.getName(), Serialization.asJson(g)));
    for (String gv : discovery.allGroupVersions()) {
      documents.put(ApiDiscovery.path(gv), Serialization.asJson(discovery.resources(gv)));
    }
    documents.put("/version", Serialization.asJson(VERSION));
    chain.discovery().serve(documents, discovery, openApi);
  }

  /** Creates the namespace unless it exists. */
  public void createNamespace(String name) {
    if (client().namespaces().withName(name).get() == null) {
      client()
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
          .create();
    }
  }

  /** An admin client (the operator gets its own; see {@link #newClient()}). */
  public KubernetesClient client() {
    return api.client();
  }

  /** A new client of this server with its own connection pool. */
  public KubernetesClient newClient() {
    return api.newClient();
  }

  public String url() {
    return "http://127.0.0.1:" + listener.port();
  }

  /** Writes a kubeconfig whose current context is this server and {@code namespace}. */
  public void writeKubeconfig(Path file, String namespace) {
    String yaml =
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: kiln-sandbox",
            "  cluster:",
            "    server: " + url(),
            "users:",
            "- name: kiln-sandbox",
            "  user:",
            "    token: sandbox",
            "contexts:",
            "- name: kiln-sandbox",
            "  context:",
            "    cluster: kiln-sandbox",
            "    user: kiln-sandbox",
            "    namespace: " + namespace,
            "current-context: kiln-sandbox",
            "");
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the kubeconfig " + file, e);
    }
  }

  @Override
  public void close() {
    listener.close();
    api.close();
  }
}
