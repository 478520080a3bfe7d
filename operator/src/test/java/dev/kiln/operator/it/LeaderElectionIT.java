package dev.kiln.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.operator.KilnOperator;
import dev.kiln.testkit.api.RequestLog;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two replicas with leader election: one writes; the standby takes over when it stops. */
class LeaderElectionIT {
  static {
    // Status fields are read while the operator may not have written them yet: an exception
    // there means "not yet", like a failed assertion, until the wait times out.
    org.awaitility.Awaitility.ignoreExceptionsByDefault();
  }

  private final KilnTestCluster cluster = new KilnTestCluster();
  private final RequestLog log1 = new RequestLog();
  private final RequestLog log2 = new RequestLog();
  private KilnOperator op1;
  private KilnOperator op2;

  @AfterEach
  void stop() {
    if (op1 != null) {
      op1.close();
    }
    if (op2 != null) {
      op2.close();
    }
    cluster.close();
  }

  private static Map<String, String> replica(String name) {
    return Map.of(
        "KILN_LEADER_ELECTION",
        "true",
        "KILN_LEASE_NAMESPACE",
        KilnTestCluster.NS,
        "POD_NAME",
        name);
  }

  @Test
  void onlyTheLeaderWritesAndTheStandbyTakesOver() {
    op1 = cluster.startOperator(replica("kiln-1"), log1);
    await().atMost(Duration.ofSeconds(20)).until(() -> "kiln-1".equals(holder()));
    op2 = cluster.startOperator(replica("kiln-2"), log2);

    cluster.client().resource(TrainingJobs.basic("first")).create();
    await().atMost(Duration.ofSeconds(15)).until(() -> cluster.jobs().size() == 1);
    assertThat(nonLeaseWrites(log2)).as("the standby writes nothing").isZero();

    op1.close();
    int oldLeaderWrites = log1.writes().size();
    op1 = null;
    await().atMost(Duration.ofSeconds(40)).until(() -> "kiln-2".equals(holder()));
    cluster.client().resource(TrainingJobs.basic("second")).create();
    await().atMost(Duration.ofSeconds(15)).until(() -> cluster.jobs().size() == 2);
    assertThat(cluster.get("second").getStatus().getJobName()).isEqualTo("second-1");
    assertThat(log1.writes()).as("the old leader never writes again").hasSize(oldLeaderWrites);
  }

  private String holder() {
    Lease lease =
        cluster.client().leases().inNamespace(KilnTestCluster.NS).withName("kiln-operator").get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  /** Writes other than the election itself (the Lease, and the access review before it). */
  private static long nonLeaseWrites(RequestLog log) {
    return log.writes().stream()
        .filter(r -> !r.path().contains("/leases") && !r.path().contains("selfsubjectrulesreviews"))
        .count();
  }
}
