package dev.kiln.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobConditions;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.operator.KilnOperator;
import dev.kiln.testkit.api.RequestLog;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecretKeySelectorBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue #15, defect 2: specs that make a pod the API server refuses were called valid ({@code
 * Accepted=True "The spec is valid"}) and got a Job. The mock API server checks no schema and no
 * CEL, as a cluster whose CRD predates the rules would not: the operator's own check must refuse
 * each, once, naming the field, before it creates anything.
 */
class AdmissionIT {
  static {
    org.awaitility.Awaitility.ignoreExceptionsByDefault();
  }

  private KilnTestCluster cluster;
  private KilnOperator operator;
  private final RequestLog requests = new RequestLog();

  @BeforeEach
  void start() {
    cluster = new KilnTestCluster();
    operator = cluster.startOperator(Map.of(), requests);
  }

  @AfterEach
  void stop() {
    operator.close();
    cluster.close();
  }

  @Test
  void specsThatMakeAnInvalidPodFailOnceNamingTheFieldAndGetNoJob() {
    TrainingJob valueAndValueFrom = TrainingJobs.basic("value-and-value-from");
    valueAndValueFrom
        .getSpec()
        .setEnv(
            List.of(
                new EnvVarBuilder()
                    .withName("DB_PASSWORD")
                    .withValue("hunter2")
                    .withNewValueFrom()
                    .withSecretKeyRef(
                        new SecretKeySelectorBuilder().withName("db").withKey("password").build())
                    .endValueFrom()
                    .build()));
    TrainingJob sometimes = TrainingJobs.basic("toleration-sometimes");
    sometimes
        .getSpec()
        .setTolerations(
            List.of(
                new TolerationBuilder()
                    .withKey("nvidia.com/gpu")
                    .withOperator("Sometimes")
                    .withEffect("NoSchedule")
                    .build()));
    TrainingJob requestAboveLimit = TrainingJobs.basic("request-above-limit");
    requestAboveLimit
        .getSpec()
        .setResources(
            new ResourceRequirementsBuilder()
                .withRequests(Map.of("memory", new Quantity("8Gi")))
                .withLimits(Map.of("memory", new Quantity("4Gi")))
                .build());
    TrainingJob duplicateEnv = TrainingJobs.basic("duplicate-env");
    duplicateEnv
        .getSpec()
        .setEnv(List.of(new EnvVar("EPOCHS", "5", null), new EnvVar("EPOCHS", "10", null)));
    Map<String, String> expected =
        Map.of(
            "value-and-value-from",
            "spec.env[0].valueFrom: may not be specified when `value` is not empty",
            "toleration-sometimes",
            "spec.tolerations[0].operator: Unsupported value: \"Sometimes\"",
            "request-above-limit",
            "spec.resources.requests: every request must be less than or equal to the limit of"
                + " the same resource",
            "duplicate-env",
            "spec.env[1].name: Duplicate value: \"EPOCHS\"");
    for (TrainingJob tj : List.of(valueAndValueFrom, sometimes, requestAboveLimit, duplicateEnv)) {
      cluster.client().resource(tj).create();
    }

    expected.forEach(
        (name, field) ->
            await()
                .atMost(Duration.ofSeconds(20))
                .untilAsserted(
                    () -> {
                      var status = cluster.get(name).getStatus();
                      assertThat(status.getPhase()).as(name).isEqualTo(TrainingJobPhase.Failed);
                      assertThat(status.getFailure().getReason()).isEqualTo("InvalidSpec");
                      assertThat(status.getFailure().getMessage()).as(name).contains(field);
                      Condition accepted =
                          status.getConditions().stream()
                              .filter(c -> c.getType().equals(TrainingJobConditions.ACCEPTED))
                              .findFirst()
                              .orElseThrow();
                      assertThat(accepted.getStatus()).as(name).isEqualTo("False");
                      assertThat(accepted.getMessage()).as(name).contains(field);
                    }));
    assertThat(cluster.jobs()).as("no Job for a spec the API server would refuse").isEmpty();
    int writes = requests.writes().size();
    // Once: nothing more is written while the specs stay wrong.
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> requests.writes().size() == writes);
  }
}
