package dev.kiln.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.operator.KilnOperator;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Faults the operator must survive: restarts mid-flight, failing writes, an API outage. */
class ResilienceIT {
  static {
    // Status fields are read while the operator may not have written them yet: an exception
    // there means "not yet", like a failed assertion, until the wait times out.
    org.awaitility.Awaitility.ignoreExceptionsByDefault();
  }

  private KilnTestCluster cluster;
  private KilnOperator operator;
  private JobSimulator simulator;
  private Watch phases;
  private final Map<String, List<TrainingJobPhase>> seen = new ConcurrentHashMap<>();

  @BeforeEach
  void start() {
    cluster = new KilnTestCluster();
    phases =
        cluster
            .client()
            .resources(TrainingJob.class)
            .inNamespace(KilnTestCluster.NS)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, TrainingJob tj) {
                    if (tj.getStatus() != null && tj.getStatus().getPhase() != null) {
                      seen.computeIfAbsent(
                              tj.getMetadata().getName(), k -> new CopyOnWriteArrayList<>())
                          .add(tj.getStatus().getPhase());
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
  }

  @AfterEach
  void stop() {
    phases.close();
    if (simulator != null) {
      simulator.close();
    }
    if (operator != null) {
      operator.close();
    }
    cluster.close();
  }

  @Test
  void operatorRestartedAtRandomPointsDuring200LifecyclesConvergesWithoutDuplicates()
      throws Exception {
    operator = cluster.startOperator(Map.of());
    simulator = new JobSimulator(cluster, Duration.ofMillis(200), Duration.ofMillis(2000));
    List<String> names = create("r", 200);
    Random random = new Random(11);
    for (int restart = 0; restart < 6; restart++) {
      long pause = 300L + random.nextInt(1200);
      await().pollDelay(Duration.ofMillis(pause)).atMost(Duration.ofSeconds(5)).until(() -> true);
      operator.close();
      operator = cluster.startOperator(Map.of());
    }
    allSucceed(names, Duration.ofMinutes(2));
    cluster.assertOneJobEachAndNoRegression(names, seen);
  }

  @Test
  void twentyPercentOfWritesFailingStillConverges() {
    cluster.faults().failWrites(0.2);
    operator = cluster.startOperator(Map.of());
    simulator = new JobSimulator(cluster, Duration.ofMillis(100), Duration.ofMillis(500));
    List<String> names = create("f", 50);
    allSucceed(names, Duration.ofMinutes(2));
    cluster.assertOneJobEachAndNoRegression(names, seen);
  }

  @Test
  void aSixtySecondOutageNeitherCrashesTheOperatorNorStrandsARun() throws Exception {
    operator = cluster.startOperator(Map.of());
    List<String> names = create("o", 20);
    await().atMost(Duration.ofSeconds(30)).until(() -> cluster.jobs().size() == 20);

    cluster.faults().outage(true);
    simulator = new JobSimulator(cluster, Duration.ofMillis(100), Duration.ofMillis(500));
    HttpClient http = HttpClient.newHttpClient();
    // For the whole minute the API is down, the operator process stays up and healthy.
    await()
        .during(Duration.ofSeconds(60))
        .atMost(Duration.ofSeconds(65))
        .until(
            () ->
                http.send(
                            HttpRequest.newBuilder(
                                    URI.create(
                                        "http://127.0.0.1:" + operator.httpPort() + "/healthz"))
                                .build(),
                            HttpResponse.BodyHandlers.discarding())
                        .statusCode()
                    == 200);
    assertThat(names)
        .noneMatch(n -> cluster.get(n).getStatus().getPhase() == TrainingJobPhase.Succeeded);

    cluster.faults().outage(false);
    // Converges within the capped retry backoff (10 s), not a periodic resync.
    allSucceed(names, Duration.ofSeconds(30));
    cluster.assertOneJobEachAndNoRegression(names, seen);
  }

  private List<String> create(String prefix, int n) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String name = prefix + "-" + i;
      cluster.client().resource(TrainingJobs.basic(name)).create();
      names.add(name);
    }
    return names;
  }

  private void allSucceed(List<String> names, Duration within) {
    await()
        .atMost(within)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              long done =
                  cluster
                      .client()
                      .resources(TrainingJob.class)
                      .inNamespace(KilnTestCluster.NS)
                      .list()
                      .getItems()
                      .stream()
                      .filter(tj -> names.contains(tj.getMetadata().getName()))
                      .filter(
                          tj ->
                              tj.getStatus() != null
                                  && tj.getStatus().getPhase() == TrainingJobPhase.Succeeded)
                      .count();
              assertThat(done).isEqualTo(names.size());
            });
  }
}
