package dev.kiln.operator;

import dev.kiln.operator.modelserver.ModelServerReconciler;
import dev.kiln.operator.report.ProgressTracker;
import dev.kiln.operator.report.ReportEndpoint;
import dev.kiln.operator.report.ReportKeySecret;
import dev.kiln.operator.support.EventRecorder;
import dev.kiln.operator.support.HttpEndpoints;
import dev.kiln.operator.support.KilnMetrics;
import dev.kiln.operator.support.Liveness;
import dev.kiln.operator.support.MetricsRegistry;
import dev.kiln.operator.trainingjob.ReportTokens;
import dev.kiln.operator.trainingjob.TrainingJobReconciler;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kiln operator process: the JOSDK operator with Kiln's reconcilers, plus the probe and metrics
 * endpoints. {@link #start} is also what the integration tests and the sandbox run, so they
 * exercise exactly the production wiring.
 */
public final class KilnOperator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KilnOperator.class);
  static final GenericRetry RETRY =
      new GenericRetry()
          .setInitialInterval(500)
          .setIntervalMultiplier(2)
          .setMaxInterval(10_000)
          .setMaxAttempts(-1);
  private static final Duration MAX_INTERVAL = Duration.ofMinutes(10);

  /** The running parts. */
  private record Parts(
      Operator operator,
      HttpEndpoints probes,
      HttpEndpoints reports,
      ProgressTracker progress,
      MetricsRegistry metrics,
      AtomicBoolean closing) {}

  /** Opens a server; may fail with the port in use. */
  @FunctionalInterface
  private interface Listener {
    HttpEndpoints listen() throws IOException;
  }

  private final Parts parts;

  private KilnOperator(Parts parts) {
    this.parts = parts;
  }

  /** Runs the operator until SIGTERM, then stops it gracefully. */
  static void runUntilShutdown(OperatorConfig config) throws InterruptedException {
    KubernetesClient client = new KubernetesClientBuilder().build();
    KilnOperator kiln = start(client, config, Clock.systemUTC());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("SIGTERM: stopping, finishing reconciles in flight");
                  kiln.close();
                  client.close();
                  stopped.countDown();
                },
                "kiln-shutdown"));
    stopped.await();
  }

  /** Starts the operator on the given client; returns once it is running (or standing by). */
  public static KilnOperator start(KubernetesClient client, OperatorConfig config, Clock clock) {
    AtomicBoolean closing = new AtomicBoolean();
    // JVM, process and JOSDK metrics, each with help text and bounded labels.
    MetricsRegistry meters = new MetricsRegistry();
    PrometheusMeterRegistry registry = meters.registry();
    KilnMetrics metrics = new KilnMetrics(registry);
    EventRecorder events = new EventRecorder(client, clock, config.identity());
    Operator operator = operator(client, config, registry, closing);
    // The key Secret (KILN_REPORT_KEY_SECRET) when the chart names one, else the key file.
    ReportTokens tokens =
        ReportKeySecret.fromEnvironment(System.getenv())
            .map(secret -> secret.tokens(client))
            .orElseGet(() -> new ReportTokens(reportKey(config)));
    ProgressTracker progress =
        new ProgressTracker(
            config.reportInterval(),
            clock,
            config.reportRatePerSecond(),
            10.0 * config.reportRatePerSecond());
    TrainingJobReconciler trainingJobs =
        new TrainingJobReconciler(client, config, tokens, events, metrics, progress, clock);
    register(operator, trainingJobs, config);
    register(operator, new ModelServerReconciler(config, events, metrics, clock), config);
    BooleanSupplier ready =
        () ->
            operator.getRuntimeInfo().isStarted()
                && operator.getRuntimeInfo().allEventSourcesAreHealthy();
    // Live while every informer runs, watching or not: the API server ends watches routinely and
    // an informer reconnecting its watch still reconciles from its cache, so /healthz must not
    // fail then (/readyz does, as JOSDK's health says).
    Liveness live =
        new Liveness(
            () ->
                operator.getRuntimeInfo().isStarted()
                    && Liveness.informersRunning(
                        operator.getRuntimeInfo().unhealthyEventSources()));
    HttpEndpoints probes =
        listen(
            "KILN_HTTP_PORT",
            config.httpPort(),
            () -> HttpEndpoints.probes(config.httpPort(), live, ready, registry));
    ReportEndpoint endpoint =
        new ReportEndpoint(
            tokens, trainingJobs::find, trainingJobs::isServing, progress, metrics, clock);
    HttpEndpoints reports = reportEndpoint(config, endpoint, probes);
    startOrFailLiveness(operator, live, config, probes);
    return new KilnOperator(new Parts(operator, probes, reports, progress, meters, closing));
  }

  /** The trainers' report endpoint on its own port; the probes close if it cannot listen. */
  private static HttpEndpoints reportEndpoint(
      OperatorConfig config, ReportEndpoint endpoint, HttpEndpoints probes) {
    try {
      return listen(
          "KILN_REPORT_PORT",
          config.reportPort(),
          () -> new HttpEndpoints(config.reportPort(), 4, "kiln-report", Map.of("/", endpoint)));
    } catch (UncheckedIOException e) {
      probes.close();
      throw e;
    }
  }

  private static void startOrFailLiveness(
      Operator operator, Liveness live, OperatorConfig config, HttpEndpoints probes) {
    try {
      operator.start();
    } catch (RuntimeException e) {
      // JOSDK leaves its threads up after a failed start: without this the process would stay
      // up reconciling nothing with /healthz 200, and the kubelet would never restart it.
      live.startFailed();
      log.error("start-up failed, /healthz now fails: {}", e.toString());
      return;
    }
    log.info(
        "Kiln {} started: namespaces={}, leader election={}, http port {}",
        OperatorConfig.VERSION,
        config.watchesAllNamespaces() ? "all" : config.watchNamespaces(),
        config.leaderElection(),
        probes.port());
  }

  private static Operator operator(
      KubernetesClient client,
      OperatorConfig config,
      PrometheusMeterRegistry registry,
      AtomicBoolean closing) {
    return new Operator(
        o -> {
          o.withKubernetesClient(client)
              .withCloseClientOnStop(false)
              // The mock API server (and some clusters' proxies) lack server-side apply: one
              // code path, JSON merge patches, in production and tests. This can go once the
              // mock server applies SSA patches:
              // https://github.com/fabric8io/kubernetes-client/issues/5337
              .withSSABasedCreateUpdateMatchForDependentResources(false)
              .withUseSSAToPatchPrimaryResource(false)
              .withConcurrentReconciliationThreads(config.reconcileThreads())
              .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry));
          if (config.leaderElection()) {
            o.withLeaderElectionConfiguration(leaderElection(config, closing));
          }
        });
  }

  /**
   * Registers a controller the way all of Kiln's run: transient API errors are retried forever,
   * with backoff capped at 10 s, so nothing is stranded after an outage; a periodic re-check
   * catches anything missed; only the watched namespaces.
   */
  static <P extends HasMetadata> void register(
      Operator operator, Reconciler<P> reconciler, OperatorConfig config) {
    operator.register(
        reconciler,
        o -> {
          o.withRetry(RETRY).withReconciliationMaxInterval(MAX_INTERVAL);
          if (!config.watchesAllNamespaces()) {
            o.settingNamespaces(config.watchNamespaces());
          }
        });
  }

  private static HttpEndpoints listen(String variable, int port, Listener listener) {
    try {
      return listener.listen();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + variable + "=" + port, e);
    }
  }

  /**
   * Leader election through a Lease. A replica that loses the lease while running exits, so it can
   * never write beside the new leader; one that is being stopped just lets go.
   */
  static LeaderElectionConfiguration leaderElection(OperatorConfig config, AtomicBoolean closing) {
    return new LeaderElectionConfiguration(
        config.leaseName(),
        config.leaseNamespace(),
        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
        config.identity(),
        new LeaderCallbacks(
            () -> log.info("{} is now the leader", config.identity()),
            () -> {
              if (!closing.get()) {
                log.error("{} lost the leader lease; exiting", config.identity());
                System.exit(1);
              }
            },
            leader -> log.info("leader is {}", leader)),
        false);
  }

  /**
   * The key report tokens are signed with. It comes from a mounted Secret so every replica and
   * restart agrees; without one, a random key works until the operator restarts.
   */
  static byte[] reportKey(OperatorConfig config) {
    try {
      if (Files.isReadable(config.reportKeyFile())) {
        return Files.readAllBytes(config.reportKeyFile());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read KILN_REPORT_KEY_FILE", e);
    }
    log.warn(
        "no report key at {} (KILN_REPORT_KEY_FILE): using a random key; running trainers' report"
            + " tokens stop working when the operator restarts",
        config.reportKeyFile());
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return key;
  }

  public int httpPort() {
    return parts.probes().port();
  }

  public int reportPort() {
    return parts.reports().port();
  }

  public PrometheusMeterRegistry registry() {
    return parts.metrics().registry();
  }

  @Override
  public void close() {
    parts.closing().set(true);
    parts.reports().close();
    parts.operator().stop();
    parts.progress().close();
    parts.probes().close();
    parts.metrics().close();
  }
}
