package dev.kiln.testkit.api;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Dispatcher;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * fabric8's mock API server in CRUD mode, set up one way for every tier that needs an API server
 * (the operator's integration tests, the scale benchmark, the sandbox): its request log quiet, the
 * one canned answer JOSDK's leader election needs, a CRUD store (fabric8's, or the {@link
 * IndexedCrudDispatcher}), optional dispatchers around it (faults, admission, discovery, …) and the
 * CRDs applied.
 *
 * @param server the mock, listening
 * @param client an admin client, closed with the server
 * @param crds the CRDs as the server stored them, in the order given
 * @param housekeeping what forgets served requests, when asked to
 */
public record MockApiServer(
    KubernetesMockServer server,
    KubernetesClient client,
    List<CustomResourceDefinition> crds,
    Optional<ScheduledExecutorService> housekeeping)
    implements AutoCloseable {
  /** How the store finds objects. */
  public enum Lookups {
    /** by plural, namespace and name: O(1) per get or write, lists O(objects listed) */
    INDEXED,
    /** fabric8's stock dispatcher: a scan of the whole store per request */
    SCAN
  }

  /** The Kiln CRDs fabric8's generator writes into the kiln-crd jar. */
  public static final List<String> KILN_CRD_RESOURCES =
      List.of(
          "/META-INF/fabric8/trainingjobs.kiln.dev-v1.yml",
          "/META-INF/fabric8/modelservers.kiln.dev-v1.yml");

  /**
   * The mock logs every request at INFO through java.util.logging; held here, because JUL keeps
   * only weak references to loggers and a collected one forgets its level.
   */
  private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(Level.WARNING);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** What the mock API server is made of; {@link #start()} starts it. */
  public static final class Builder {
    private Lookups lookups = Lookups.SCAN;
    private UnaryOperator<Dispatcher> around = UnaryOperator.identity();
    private InetAddress address;
    private int port;
    private boolean forgetRequests;
    private final List<CrdSource> crds = new ArrayList<>();

    private Builder() {}

    public Builder lookups(Lookups lookups) {
      this.lookups = lookups;
      return this;
    }

    /** Wraps the server's dispatcher (canned answers, then the store), e.g. to inject faults. */
    public Builder around(UnaryOperator<Dispatcher> around) {
      this.around = around;
      return this;
    }

    /** Listens on {@code address}:{@code port} (0: any free port) instead of any free port. */
    public Builder listenOn(InetAddress address, int port) {
      this.address = address;
      this.port = port;
      return this;
    }

    /**
     * The mock keeps every request it served (bodies included) for takeRequest(); forget them every
     * second when nobody takes them, or a long run's heap grows by every request body.
     */
    public Builder forgetServedRequests() {
      this.forgetRequests = true;
      return this;
    }

    /** Kiln's CRDs as generated into the kiln-crd jar, which must be on the class path. */
    public Builder kilnCrdsFromClasspath() {
      for (String resource : KILN_CRD_RESOURCES) {
        crds.add(new CrdSource(resource, () -> MockApiServer.class.getResourceAsStream(resource)));
      }
      return this;
    }

    /** CRDs from YAML files, e.g. the committed ones (with the printer columns as declared). */
    public Builder crdFiles(List<Path> files) {
      for (Path file : files) {
        crds.add(new CrdSource(file.toString(), () -> Files.newInputStream(file)));
      }
      return this;
    }

    public MockApiServer start() {
      Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
      MockWebServer web = new MockWebServer();
      Dispatcher dispatcher = around.apply(new CannedFirstDispatcher(responses, store()));
      var server = new KubernetesMockServer(new Context(), web, responses, dispatcher, false);
      listen(server);
      allowLeases(server);
      var housekeeping =
          forgetRequests
              ? Optional.of(drainRequestLog(web))
              : Optional.<ScheduledExecutorService>empty();
      KubernetesClient client = server.createClient();
      return new MockApiServer(
          server, client, crds.stream().map(crd -> apply(client, crd)).toList(), housekeeping);
    }

    private void listen(KubernetesMockServer server) {
      if (address == null) {
        server.init();
        return;
      }
      try {
        server.init(address, port);
      } catch (RuntimeException e) {
        throw new IllegalStateException(
            "cannot listen on " + address.getHostAddress() + ":" + port + ": " + e, e);
      }
    }

    private KubernetesCrudDispatcher store() {
      return lookups == Lookups.INDEXED
          ? new IndexedCrudDispatcher()
          : new KubernetesCrudDispatcher();
    }
  }

  private record CrdSource(String name, Opener open) {}

  private interface Opener {
    InputStream open() throws IOException;
  }

  private static CustomResourceDefinition apply(KubernetesClient client, CrdSource crd) {
    try (InputStream in = crd.open().open()) {
      return client.apiextensions().v1().customResourceDefinitions().load(in).create();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + crd.name(), e);
    }
  }

  /**
   * One canned answer besides CRUD: the mock cannot evaluate a SelfSubjectRulesReview, which
   * JOSDK's leader election sends to check it may use Leases.
   */
  private static void allowLeases(KubernetesMockServer server) {
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(
            201,
            new SelfSubjectRulesReviewBuilder()
                .withNewStatus()
                .withIncomplete(false)
                .addNewResourceRule()
                .withApiGroups("coordination.k8s.io")
                .withResources("leases")
                .withVerbs("get", "create", "update")
                .endResourceRule()
                .endStatus()
                .build())
        .always();
  }

  private static ScheduledExecutorService drainRequestLog(MockWebServer web) {
    ScheduledExecutorService housekeeping =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "mock-api-request-log-drain");
              t.setDaemon(true);
              return t;
            });
    var unused = housekeeping.scheduleWithFixedDelay(web::reset, 1, 1, TimeUnit.SECONDS);
    return housekeeping;
  }

  /** A new client of this server with its own connection pool (the caller closes it). */
  public KubernetesClient newClient() {
    return server.createClient();
  }

  public int port() {
    return server.getPort();
  }

  public String url() {
    return server.url("/");
  }

  /** Client settings for a mock API server at {@code url} (e.g. in another JVM): HTTP/1.1. */
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
    housekeeping.ifPresent(ScheduledExecutorService::shutdownNow);
    client.close();
    server.destroy();
  }
}
