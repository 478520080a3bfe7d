package dev.kiln.operator.it;

import static dev.kiln.operator.it.KilnTestCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.operator.KilnOperator;
import dev.kiln.operator.support.ReconcileFailures;
import dev.kiln.testkit.api.RequestLog;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A failure that does not pass by itself: the operator may not create Jobs in the namespace (403,
 * RBAC not yet granted). The run says so in its status and the operator tries again after growing
 * delays instead of JOSDK's quick retries; once the API server allows the create, the run goes on
 * and the condition is gone.
 */
class ReconcileFailureIT {
  static {
    org.awaitility.Awaitility.ignoreExceptionsByDefault();
  }

  private static final String JOBS = "/apis/batch/v1/namespaces/" + NS + "/jobs";

  private KilnTestCluster cluster;
  private KilnOperator operator;
  private final RequestLog requests = new RequestLog();

  @BeforeEach
  void start() {
    cluster = new KilnTestCluster();
    // Refused twice (the first try and the first retry), then RBAC is in place.
    cluster
        .server()
        .expect()
        .post()
        .withPath(JOBS)
        .andReturn(
            403,
            new StatusBuilder()
                .withStatus("Failure")
                .withCode(403)
                .withReason("Forbidden")
                .withMessage(
                    "jobs.batch is forbidden: User \"system:serviceaccount:kiln:kiln\" cannot"
                        + " create resource \"jobs\" in API group \"batch\" in the namespace \""
                        + NS
                        + "\"")
                .build())
        .times(2);
    operator = cluster.startOperator(Map.of(), requests);
  }

  @AfterEach
  void stop() {
    operator.close();
    cluster.close();
  }

  @Test
  void aRefusalThatStaysIsShownInTheStatusAndRetriedSlowlyUntilItPasses() {
    cluster.client().resource(TrainingJobs.basic("forbidden")).create();

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              Condition failed = failure().orElseThrow();
              assertThat(failed.getStatus()).isEqualTo("True");
              assertThat(failed.getReason()).isEqualTo("Forbidden");
              assertThat(failed.getMessage())
                  .contains("403", "cannot create resource \"jobs\"", "tries again in");
            });
    // JOSDK's own retries would have tried again within 0.5, 1 and 2 s; the next try waits 5 s.
    assertThat(jobCreates()).isEqualTo(1);

    await()
        .atMost(Duration.ofSeconds(40))
        .untilAsserted(
            () -> {
              assertThat(cluster.jobs())
                  .extracting(j -> j.getMetadata().getName())
                  .containsExactly("forbidden-1");
              assertThat(cluster.phase("forbidden")).isEqualTo(TrainingJobPhase.Pending);
              assertThat(failure()).isEmpty();
            });
    assertThat(jobCreates()).as("the first try, a retry after 5 s, one after 10 s").isEqualTo(3);
  }

  private Optional<Condition> failure() {
    return cluster.get("forbidden").getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(ReconcileFailures.TYPE))
        .findFirst();
  }

  private long jobCreates() {
    return requests.all().stream()
        .filter(r -> r.method().equals("POST") && r.path().equals(JOBS))
        .count();
  }
}
