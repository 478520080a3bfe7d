package dev.kiln.operator.it;

import static dev.kiln.operator.it.KilnTestCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.operator.KilnOperator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A TrainingJob deleted and created again before its children were garbage-collected (the mock has
 * no garbage collector): the new run gets children of its own, not the old run's token.
 */
class RecreatedRunIT {
  static {
    org.awaitility.Awaitility.ignoreExceptionsByDefault();
  }

  private static final Duration WAIT = Duration.ofSeconds(20);
  private KilnTestCluster cluster;
  private KilnOperator operator;

  @BeforeEach
  void start() {
    cluster = new KilnTestCluster();
    operator = cluster.startOperator(Map.of());
  }

  @AfterEach
  void stop() {
    operator.close();
    cluster.close();
  }

  @Test
  void aRecreatedRunReplacesTheOldIncarnationsChildren() {
    cluster.client().resource(TrainingJobs.basic("again")).create();
    await().atMost(WAIT).until(() -> !cluster.jobs().isEmpty());
    String oldToken = cluster.reportToken("again");
    cluster.client().resource(cluster.get("again")).delete();
    await().atMost(WAIT).until(() -> cluster.get("again") == null);

    TrainingJob again = cluster.client().resource(TrainingJobs.basic("again")).create();
    String uid = again.getMetadata().getUid();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(ownerUid(secret())).isEqualTo(uid);
              assertThat(ownerUid(cluster.jobs().get(0))).isEqualTo(uid);
              assertThat(cluster.reportToken("again")).isNotEqualTo(oldToken);
            });
  }

  private HasMetadata secret() {
    return cluster.client().secrets().inNamespace(NS).withName("again-report-token").get();
  }

  private static String ownerUid(HasMetadata o) {
    return o.getMetadata().getOwnerReferences().get(0).getUid();
  }
}
