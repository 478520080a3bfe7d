package dev.kiln.operator.it;

import static dev.kiln.operator.it.KilnTestCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.ModelSource;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.operator.KilnOperator;
import dev.kiln.testkit.api.RequestLog;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The API server refuses a child Kiln built (422), as a real one would for a pod its admission
 * finds invalid (an admission webhook, a newer API server, a CRD without Kiln's rules). The run or
 * the server fails with InvalidSpec naming the field of its spec, and the child is not created
 * again and again: one attempt for the spec that asked for it, none for later causes.
 */
class ChildRefusedIT {
  static {
    org.awaitility.Awaitility.ignoreExceptionsByDefault();
  }

  private static final String JOBS = "/apis/batch/v1/namespaces/" + NS + "/jobs";
  private static final String DEPLOYMENTS = "/apis/apps/v1/namespaces/" + NS + "/deployments";

  private KilnTestCluster cluster;
  private KilnOperator operator;
  private final RequestLog requests = new RequestLog();

  @BeforeEach
  void start() {
    cluster = new KilnTestCluster();
    cluster
        .server()
        .expect()
        .post()
        .withPath(JOBS)
        .andReturn(422, refusal("Job", "refused-1"))
        .always();
    cluster
        .server()
        .expect()
        .post()
        .withPath(DEPLOYMENTS)
        .andReturn(422, refusal("Deployment", "refused"))
        .always();
    operator = cluster.startOperator(Map.of(), requests);
  }

  @AfterEach
  void stop() {
    operator.close();
    cluster.close();
  }

  /** What kube-apiserver answers for a pod template with env[3] both value and valueFrom. */
  private static Status refusal(String kind, String name) {
    String field = "spec.template.spec.containers[0].env[3].valueFrom";
    String message = "Invalid value: \"\": may not be specified when `value` is not empty";
    return new StatusBuilder()
        .withStatus("Failure")
        .withCode(422)
        .withReason("Invalid")
        .withMessage(kind + " \"" + name + "\" is invalid: " + field + ": " + message)
        .withNewDetails()
        .withKind(kind)
        .withName(name)
        .addNewCause()
        .withField(field)
        .withMessage(message)
        .withReason("FieldValueInvalid")
        .endCause()
        .endDetails()
        .build();
  }

  private long creates(String path) {
    return requests.all().stream()
        .filter(r -> r.method().equals("POST") && r.path().equals(path))
        .count();
  }

  @Test
  void aRefusedJobFailsTheRunOnceNamingTheFieldWithoutRetrying() {
    TrainingJob tj = TrainingJobs.basic("refused");
    cluster.client().resource(tj).create();

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              var status = cluster.get("refused").getStatus();
              assertThat(status.getPhase()).isEqualTo(TrainingJobPhase.Failed);
              assertThat(status.getFailure().getReason()).isEqualTo("InvalidSpec");
              assertThat(status.getFailure().getMessage())
                  .startsWith("spec.env: the API server refused Job refused-1:")
                  .contains(
                      "spec.template.spec.containers[0].env[3].valueFrom: Invalid value: \"\":"
                          + " may not be specified when `value` is not empty");
            });
    assertThat(creates(JOBS)).as("the Job was asked for once").isEqualTo(1);

    // Later causes (another change to the TrainingJob, the 5 s safety recheck after a create) find
    // a finished run and create nothing.
    cluster
        .client()
        .resources(TrainingJob.class)
        .inNamespace(NS)
        .withName("refused")
        .edit(
            t -> {
              t.getMetadata().setLabels(Map.of("touched", "yes"));
              t.getSpec().setTtlSecondsAfterFinished(60L);
              return t;
            });
    await()
        .during(Duration.ofSeconds(7))
        .atMost(Duration.ofSeconds(10))
        .until(() -> creates(JOBS) == 1);
    assertThat(cluster.phase("refused")).isEqualTo(TrainingJobPhase.Failed);
  }

  @Test
  void aRefusedDeploymentFailsTheServerOncePerSpec() {
    ModelServer ms =
        ModelServerHelper.server(
            "refused", ModelSource.builder().uri("s3://models/iris/model.onnx").build());
    cluster.client().resource(ms).create();

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              var status = servers().withName("refused").get().getStatus();
              assertThat(status.getFailure().getReason()).isEqualTo("InvalidSpec");
              assertThat(status.getFailure().getMessage())
                  .startsWith("spec.env: the API server refused Deployment refused:");
            });
    assertThat(creates(DEPLOYMENTS)).isEqualTo(1);
    // Another cause for a reconcile (a pod labelled as the server's appears): a refused spec is
    // not asked for again.
    cluster
        .client()
        .pods()
        .inNamespace(NS)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("refused-stray")
                .withLabels(
                    Map.of(
                        "app.kubernetes.io/managed-by", "kiln-operator",
                        "kiln.dev/modelserver", "refused"))
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("server")
                .withImage("registry.example/server:1")
                .endContainer()
                .endSpec()
                .build())
        .create();
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> creates(DEPLOYMENTS) == 1);

    // A changed spec is a new question, asked once.
    servers()
        .withName("refused")
        .edit(
            m -> {
              m.getSpec().setReplicas(2);
              return m;
            });
    await().atMost(Duration.ofSeconds(20)).until(() -> creates(DEPLOYMENTS) == 2);
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> creates(DEPLOYMENTS) == 2);
  }

  private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<
          ModelServer,
          io.fabric8.kubernetes.api.model.KubernetesResourceList<ModelServer>,
          io.fabric8.kubernetes.client.dsl.Resource<ModelServer>>
      servers() {
    return cluster.client().resources(ModelServer.class).inNamespace(NS);
  }
}
