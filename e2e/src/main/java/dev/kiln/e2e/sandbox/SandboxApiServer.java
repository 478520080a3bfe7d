package dev.kiln.e2e.sandbox;

import dev.kiln.crd.validation.CrdValidator;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The sandbox's Kubernetes API: the fabric8 mock API server in CRUD mode on 127.0.0.1, with Kiln's
 * CRDs applied and discovery served so that kubectl works against it (docs/design.md#known-limits:
 * apply with {@code --validate=false}, get with the CRDs' printer columns, logs, delete; no watch).
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

  /**
   * The mock logs every request at INFO through java.util.logging; held here, because JUL keeps
   * only weak references to loggers and a collected one forgets its level.
   */
  private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(Level.WARNING);
  }

  private final KubernetesMockServer server;
  private final DiscoveryDispatcher dispatcher;
  private final KubernetesClient client;

  /**
   * Starts the API server on 127.0.0.1:{@code port} (0: any free port); Kiln's resources are
   * checked against the CRDs committed in the repository at {@code root}, as a real API server
   * would, and pod logs are read from the kubelet's folder {@code podLogs}.
   */
  public SandboxApiServer(Path root, Path podLogs, int port) {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    CrdValidator validator =
        CrdValidator.forCrds(CrdValidator.KILN_CRDS.stream().map(root::resolve).toList());
    // Each part answers what the mock cannot and hands the rest on: discovery, pod logs, tables
    // for kubectl's columns, admission (CRD validation), then the mock's CRUD store.
    AdmissionDispatcher admission =
        new AdmissionDispatcher(new KubernetesMixedDispatcher(responses), validator, KILN_KINDS);
    TableDispatcher tables = new TableDispatcher(admission, Clock.systemUTC());
    dispatcher = new DiscoveryDispatcher(new PodLogDispatcher(tables, podLogs));
    server =
        new KubernetesMockServer(new Context(), new MockWebServer(), responses, dispatcher, false);
    try {
      server.init(InetAddress.getLoopbackAddress(), port);
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot listen on 127.0.0.1:" + port + ": " + e, e);
    }
    client = server.createClient();
    List<CustomResourceDefinition> crds = new ArrayList<>();
    // The committed CRDs, as a user installs them (the printer columns in their declared order).
    for (String file : CrdValidator.KILN_CRDS) {
      try (InputStream in = Files.newInputStream(root.resolve(file))) {
        crds.add(client.apiextensions().v1().customResourceDefinitions().load(in).create());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + root.resolve(file), e);
      }
    }
    crds.forEach(tables::add);
    serveDiscovery(new ApiDiscovery(crds));
  }

  private void serveDiscovery(ApiDiscovery discovery) {
    Map<String, String> documents = new HashMap<>();
    documents.put("/api", Serialization.asJson(discovery.coreVersions()));
    documents.put("/apis", Serialization.asJson(discovery.groups()));
    for (String gv : discovery.allGroupVersions()) {
      documents.put(ApiDiscovery.path(gv), Serialization.asJson(discovery.resources(gv)));
    }
    documents.put("/version", Serialization.asJson(VERSION));
    // kubectl fetches the OpenAPI document to decide how to patch; an empty one means "no schema".
    documents.put(
        "/openapi/v2",
        "{\"swagger\":\"2.0\",\"info\":{\"title\":\"Kiln sandbox\",\"version\":\"v1\"},"
            + "\"paths\":{},\"definitions\":{}}");
    dispatcher.serve(documents);
  }

  /** Creates the namespace unless it exists. */
  public void createNamespace(String name) {
    if (client.namespaces().withName(name).get() == null) {
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
          .create();
    }
  }

  /** An admin client (the operator gets its own; see {@link #newClient()}). */
  public KubernetesClient client() {
    return client;
  }

  /** A new client of this server with its own connection pool. */
  public KubernetesClient newClient() {
    return server.createClient();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getPort();
  }

  /** Writes a kubeconfig whose current context is this server and {@code namespace}. */
  public Path writeKubeconfig(Path file, String namespace) {
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
    return file;
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
