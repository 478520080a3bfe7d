package dev.kiln.operator;

import dev.kiln.operator.modelserver.ModelServerReconciler;
import dev.kiln.operator.report.ProgressTracker;
import dev.kiln.operator.report.ReportEndpoint;
import dev.kiln.operator.support.EventRecorder;
import dev.kiln.operator.support.HttpEndpoints;
import dev.kiln.operator.support.KilnMetrics;
import dev.kiln.operator.trainingjob.ReportTokens;
import dev.kiln.operator.trainingjob.TrainingJobReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
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

  private final Operator operator;
  private final HttpEndpoints endpoints;
  private final HttpEndpoints reports;
  private final ProgressTracker progress;
  private final PrometheusMeterRegistry registry;
  private final AtomicBoolean closing;

  private KilnOperator(
      Operator operator,
      HttpEndpoints endpoints,
      HttpEndpoints reports,
      ProgressTracker progress,
      PrometheusMeterRegistry registry,
      AtomicBoolean closing) {
    this.closing = closing;
    this.operator = operator;
    this.endpoints = endpoints;
    this.reports = reports;
    this.progress = progress;
    this.registry = registry;
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
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    KilnMetrics metrics = new KilnMetrics(registry);
    EventRecorder events = new EventRecorder(client, clock, config.identity());
    Operator operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withCloseClientOnStop(false)
                  // The mock API server (and some clusters' proxies) lack server-side apply: one
                  // code path, JSON merge patches, in production and tests (DESIGN.md §2).
                  .withSSABasedCreateUpdateMatchForDependentResources(false)
                  .withUseSSAToPatchPrimaryResource(false)
                  .withConcurrentReconciliationThreads(config.reconcileThreads())
                  .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry));
              if (config.leaderElection()) {
                o.withLeaderElectionConfiguration(leaderElection(config, closing));
              }
            });
    ReportTokens tokens = new ReportTokens(reportKey(config));
    ProgressTracker progress =
        new ProgressTracker(
            config.reportInterval(),
            clock,
            config.reportRatePerSecond(),
            10.0 * config.reportRatePerSecond());
    TrainingJobReconciler trainingJobs =
        new TrainingJobReconciler(client, config, tokens, events, metrics, progress, clock);
    operator.register(
        trainingJobs,
        o -> {
          // Transient API errors are retried forever, with backoff capped at 10 s, so a run is
          // never stranded after an outage; a periodic re-check catches anything missed.
          o.withRetry(RETRY).withReconciliationMaxInterval(Duration.ofMinutes(10));
          if (!config.watchesAllNamespaces()) {
            o.settingNamespaces(config.watchNamespaces());
          }
        });
    operator.register(
        new ModelServerReconciler(config, events, metrics, clock),
        o -> {
          o.withRetry(RETRY).withReconciliationMaxInterval(Duration.ofMinutes(10));
          if (!config.watchesAllNamespaces()) {
            o.settingNamespaces(config.watchNamespaces());
          }
        });
    HttpEndpoints endpoints;
    HttpEndpoints reports;
    try {
      endpoints =
          HttpEndpoints.probes(
              config.httpPort(),
              () ->
                  operator.getRuntimeInfo().isStarted()
                      && operator.getRuntimeInfo().allEventSourcesAreHealthy(),
              registry);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on KILN_HTTP_PORT=" + config.httpPort(), e);
    }
    try {
      reports =
          new HttpEndpoints(
              config.reportPort(),
              4,
              "kiln-report",
              Map.of(
                  "/",
                  new ReportEndpoint(
                      tokens,
                      trainingJobs::find,
                      trainingJobs::isServing,
                      progress,
                      registry,
                      clock)));
    } catch (IOException e) {
      endpoints.close();
      throw new UncheckedIOException("cannot listen on KILN_REPORT_PORT=" + config.reportPort(), e);
    }
    operator.start();
    log.info(
        "Kiln {} started: namespaces={}, leader election={}, http port {}",
        OperatorConfig.VERSION,
        config.watchesAllNamespaces() ? "all" : config.watchNamespaces(),
        config.leaderElection(),
        endpoints.port());
    return new KilnOperator(operator, endpoints, reports, progress, registry, closing);
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
    return endpoints.port();
  }

  public int reportPort() {
    return reports.port();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    closing.set(true);
    reports.close();
    operator.stop();
    progress.close();
    endpoints.close();
  }
}
