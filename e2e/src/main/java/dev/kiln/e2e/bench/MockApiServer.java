package dev.kiln.e2e.bench;

import dev.kiln.operator.it.KilnTestCluster;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.internal.MockDispatcher;
import io.fabric8.mockwebserver.internal.SimpleRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.logging.Level;

/**
 * fabric8's mock API server in CRUD mode on a free loopback port over plain HTTP, with Kiln's CRDs
 * applied, as {@code KilnTestCluster} sets it up, and with lookups either indexed ({@link
 * IndexedCrudDispatcher}) or fabric8's own scan, for comparison.
 */
public final class MockApiServer implements AutoCloseable {
  /** How the store finds objects. */
  public enum Lookups {
    /** by plural, namespace and name: O(1) per get or write, lists O(objects listed) */
    INDEXED,
    /** fabric8's stock dispatcher: a scan of the whole store per request */
    SCAN
  }

  /** The mock logs every request at INFO through java.util.logging; held so it stays quiet. */
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  private final KubernetesMockServer server;
  private final ScheduledExecutorService housekeeping;

  private MockApiServer(KubernetesMockServer server, ScheduledExecutorService housekeeping) {
    this.server = server;
    this.housekeeping = housekeeping;
  }

  /** Starts the server; {@code around} may wrap the store's dispatcher (to observe requests). */
  public static MockApiServer start(Lookups lookups, UnaryOperator<Dispatcher> around) {
    MOCK_LOG.setLevel(Level.WARNING);
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    KubernetesCrudDispatcher store =
        lookups == Lookups.INDEXED ? new IndexedCrudDispatcher() : new KubernetesCrudDispatcher();
    MockWebServer web = new MockWebServer();
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            web,
            responses,
            around.apply(new CannedFirstDispatcher(responses, store)),
            false);
    server.init();
    // The mock keeps every request it served (bodies included) for takeRequest(); nobody takes
    // them here, so forget them, or the store's JVM grows by every request body.
    ScheduledExecutorService housekeeping =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "mock-api-request-log-drain");
              t.setDaemon(true);
              return t;
            });
    housekeeping.scheduleWithFixedDelay(web::reset, 1, 1, TimeUnit.SECONDS);
    KilnTestCluster.allowLeases(server);
    MockApiServer api = new MockApiServer(server, housekeeping);
    try (KubernetesClient client = api.newClient()) {
      for (String crd : List.of("trainingjobs.kiln.dev", "modelservers.kiln.dev")) {
        try (InputStream in =
            MockApiServer.class.getResourceAsStream("/META-INF/fabric8/" + crd + "-v1.yml")) {
          client.apiextensions().v1().customResourceDefinitions().load(in).create();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return api;
  }

  public int port() {
    return server.getPort();
  }

  public String url() {
    return server.url("/");
  }

  /** A new client of this server (the caller closes it). */
  public KubernetesClient newClient() {
    return new KubernetesClientBuilder().withConfig(clientConfig(url())).build();
  }

  /** Client settings for a mock API server at {@code url}: no kubeconfig, HTTP/1.1. */
  public static Config clientConfig(String url) {
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(url)
        .withNamespace("default")
        .withHttp2Disable(true)
        .withTrustCerts(true)
        .build();
  }

  @Override
  public void close() {
    housekeeping.shutdownNow();
    server.destroy();
  }

  /**
   * Canned answers first (the mock's {@code expect()}: /version, the rules review), the CRUD store
   * for everything else; fabric8's KubernetesMixedDispatcher does the same but builds its own
   * store.
   */
  private static final class CannedFirstDispatcher extends Dispatcher {
    private final Map<ServerRequest, Queue<ServerResponse>> responses;
    private final MockDispatcher canned;
    private final Dispatcher store;

    CannedFirstDispatcher(Map<ServerRequest, Queue<ServerResponse>> responses, Dispatcher store) {
      this.responses = responses;
      this.canned = new MockDispatcher(responses);
      this.store = store;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      Queue<ServerResponse> answers =
          responses.get(new SimpleRequest(request.method(), request.getPath()));
      return answers != null && !answers.isEmpty()
          ? canned.dispatch(request)
          : store.dispatch(request);
    }

    @Override
    public void shutdown() {
      canned.shutdown();
      store.shutdown();
    }
  }
}
