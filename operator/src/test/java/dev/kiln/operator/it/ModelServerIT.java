package dev.kiln.operator.it;

import static dev.kiln.operator.it.KilnTestCluster.NS;
import static dev.kiln.operator.it.ModelServerHelper.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.api.v1alpha1.Autoscaling;
import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.ModelServerPhase;
import dev.kiln.api.v1alpha1.ModelServerStatus;
import dev.kiln.api.v1alpha1.ModelSource;
import dev.kiln.api.v1alpha1.NetworkPolicySpec;
import dev.kiln.api.v1alpha1.QualityGateRule;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.operator.KilnOperator;
import dev.kiln.testkit.api.RequestLog;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ModelServers against the mock API server; the test plays the Job and Deployment controllers. */
class ModelServerIT {
  static {
    // Status fields are read while the operator may not have written them yet: an exception
    // there means "not yet", like a failed assertion, until the wait times out.
    org.awaitility.Awaitility.ignoreExceptionsByDefault();
  }

  static final Duration WAIT = Duration.ofSeconds(20);
  private KilnTestCluster cluster;
  private ModelServerHelper k;
  private KilnOperator operator;

  @BeforeEach
  void start() {
    cluster = new KilnTestCluster();
    k = new ModelServerHelper(cluster);
    operator = cluster.startOperator(Map.of());
  }

  @AfterEach
  void stop() {
    operator.close();
    cluster.close();
  }

  @Test
  void servesATrainingJobsModelOnlyOnceItHasSucceeded() {
    cluster
        .client()
        .resource(
            server(
                "iris",
                ModelSource.builder()
                    .trainingJobRef(new ModelSource.TrainingJobRef("iris-train"))
                    .build()))
        .create();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ModelServerStatus s = k.get("iris").getStatus();
              assertThat(s.getPhase()).isEqualTo(ModelServerPhase.Failed);
              assertThat(s.getFailure().getReason()).isEqualTo("TrainingJobNotFound");
            });

    // The job appears later: the server recovers by itself and waits for it.
    TrainingJob tj = k.trainingJob("iris-train", Map.of("app", "iris"));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ModelServerStatus s = k.get("iris").getStatus();
              assertThat(s.getPhase()).isEqualTo(ModelServerPhase.Pending);
              assertThat(s.getFailure()).isNull();
              assertThat(condition(s, "ModelResolved").getMessage())
                  .startsWith("waiting for TrainingJob iris-train to succeed (phase ");
            });
    await().atMost(WAIT).until(() -> !cluster.jobs().isEmpty());
    assertThat(k.deployment("iris")).as("no Deployment before the model exists").isNull();

    k.trainingSucceeds("iris-train", KilnTestCluster.now(), "{\"accuracy\":0.97}");
    // The Service is a dependent of the Deployment, created right after it: wait for both.
    await()
        .atMost(WAIT)
        .until(
            () ->
                k.deployment("iris") != null
                    && cluster.client().services().inNamespace(NS).withName("iris").get() != null);
    Deployment d = k.deployment("iris");
    PodSpec pod = d.getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes())
        .anySatisfy(
            v -> {
              assertThat(v.getPersistentVolumeClaim().getClaimName())
                  .isEqualTo("iris-train-workspace");
              assertThat(v.getPersistentVolumeClaim().getReadOnly()).isTrue();
            });
    assertThat(pod.getContainers().get(0).getEnv())
        .extracting(EnvVar::getName, EnvVar::getValue)
        .contains(org.assertj.core.groups.Tuple.tuple("KILN_MODEL_DIR", "/kiln/model-store/model"));
    ModelServer ms = k.get("iris");
    for (HasMetadata child :
        List.of(d, cluster.client().services().inNamespace(NS).withName("iris").get())) {
      assertThat(child.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(
              o -> {
                assertThat(o.getUid()).isEqualTo(ms.getMetadata().getUid());
                assertThat(o.getController()).isTrue();
              });
    }
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ModelServerStatus s = k.get("iris").getStatus();
              assertThat(s.getPhase()).isEqualTo(ModelServerPhase.Loading);
              assertThat(s.getModel().getTrainingJob()).isEqualTo("iris-train");
              assertThat(s.getModel().getTrainingJobUid()).isEqualTo(tj.getMetadata().getUid());
              assertThat(s.getModel().getSha256()).isEqualTo(ModelServerHelper.sha("iris-train"));
              assertThat(s.getModel().getUri())
                  .isEqualTo("pvc://iris-train-workspace/model/model.onnx");
            });

    k.serverPod("iris", "iris-abc12", ModelServerHelper.serving(), true);
    k.deploymentStatus("iris", 1);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ModelServerStatus s = k.get("iris").getStatus();
              assertThat(s.getPhase()).isEqualTo(ModelServerPhase.Ready);
              assertThat(s.getUrl()).isEqualTo("http://iris.team-a.svc.cluster.local:8080");
              assertThat(s.getReadyReplicas()).isEqualTo(1);
              assertThat(condition(s, "Ready").getStatus()).isEqualTo("True");
              assertThat(condition(s, "Progressing").getReason()).isEqualTo("RolloutComplete");
            });
    assertThat(cluster.events("iris"))
        .extracting(Event::getReason)
        .contains("TrainingJobNotFound", "ModelResolved", "Deploying", "Ready");
    assertThat(operator.registry().scrape())
        .contains("kiln_modelservers{phase=\"Ready\"} 1.0")
        .contains("kiln_modelserver_rollouts_total{result=\"complete\"} 1.0");
  }

  @Test
  void latestRollsOutANewerQualifiedModelAndIgnoresAnUnqualifiedOne() {
    var iris = Map.of("app", "iris");
    k.trainingJob("iris-a", iris);
    TrainingJob gated = TrainingJobs.basic("iris-b");
    gated.getMetadata().setLabels(iris);
    gated
        .getSpec()
        .setQualityGate(
            List.of(
                new QualityGateRule("accuracy", QualityGateRule.Operator.GREATER_OR_EQUAL, 0.9)));
    cluster.client().resource(gated).create();
    k.trainingJob("iris-c", iris);
    await().atMost(WAIT).until(() -> cluster.jobs().size() == 3);
    k.trainingSucceeds("iris-a", "2026-01-01T10:00:00Z", "{\"accuracy\":0.91}");
    cluster
        .client()
        .resource(
            server(
                "latest",
                ModelSource.builder()
                    .latest(
                        new ModelSource.Latest(
                            new LabelSelectorBuilder().withMatchLabels(iris).build()))
                    .build()))
        .create();
    await().atMost(WAIT).until(() -> modelOf(k.deployment("latest")) != null);
    assertThat(modelOf(k.deployment("latest")))
        .isEqualTo("pvc://iris-a-workspace/model/model.onnx");
    k.deploymentStatus("latest", 1);
    await()
        .atMost(WAIT)
        .until(() -> k.get("latest").getStatus().getPhase() == ModelServerPhase.Ready);

    // A newer run that fails its quality gate is never served.
    k.trainingSucceeds("iris-b", "2026-01-01T12:00:00Z", "{\"accuracy\":0.5}");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              TrainingJob b = cluster.get("iris-b");
              assertThat(b.getStatus().getPhase()).isEqualTo(TrainingJobPhase.Succeeded);
              assertThat(b.getStatus().getConditions())
                  .anyMatch(
                      c -> c.getType().equals("ModelQualified") && c.getStatus().equals("False"));
            });
    // A newer qualified one rolls out.
    k.trainingSucceeds("iris-c", "2026-01-01T11:00:00Z", "{\"accuracy\":0.95}");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(modelOf(k.deployment("latest")))
                    .isEqualTo("pvc://iris-c-workspace/model/model.onnx"));
    k.deploymentRollingOut("latest");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ModelServerStatus s = k.get("latest").getStatus();
              assertThat(s.getModel().getTrainingJob()).isEqualTo("iris-c");
              assertThat(condition(s, "Progressing").getReason()).isEqualTo("RollingOut");
              assertThat(s.getPhase())
                  .as("the old model serves meanwhile")
                  .isEqualTo(ModelServerPhase.Ready);
            });
    k.deploymentStatus("latest", 1);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(condition(k.get("latest").getStatus(), "Progressing").getReason())
                    .isEqualTo("RolloutComplete"));
    assertThat(cluster.events("latest"))
        .extracting(Event::getMessage)
        .anyMatch(m -> m.startsWith("Rolling out the model of TrainingJob iris-c"))
        .noneMatch(m -> m.contains("iris-b-workspace"));
  }

  @Test
  void remoteModelAutoscalingNetworkPolicyAndDisruptionBudgetFollowTheSpec() {
    ModelServer ms =
        server(
            "fraud",
            ModelSource.builder()
                .uri("s3://models/fraud/model.onnx")
                .credentialsSecret("s3-creds")
                .build());
    ms.getSpec().setAutoscaling(Autoscaling.builder().minReplicas(2).maxReplicas(5).build());
    ms.getSpec()
        .setNetworkPolicy(
            NetworkPolicySpec.builder()
                .allowFrom(
                    List.of(
                        new NetworkPolicySpec.Peer(
                            new LabelSelectorBuilder()
                                .withMatchLabels(Map.of("app", "gateway"))
                                .build(),
                            null)))
                .build());
    cluster.client().resource(ms).create();
    var client = cluster.client();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Deployment d = k.deployment("fraud");
              assertThat(d).isNotNull();
              assertThat(d.getSpec().getReplicas()).isEqualTo(2);
              var loader = d.getSpec().getTemplate().getSpec().getInitContainers().get(0);
              assertThat(loader.getName()).isEqualTo("fetch-model");
              assertThat(loader.getArgs()).contains("s3://models/fraud/model.onnx");
              assertThat(loader.getEnvFrom().get(0).getSecretRef().getName()).isEqualTo("s3-creds");
              assertThat(
                      client
                          .autoscaling()
                          .v2()
                          .horizontalPodAutoscalers()
                          .inNamespace(NS)
                          .withName("fraud")
                          .get()
                          .getSpec()
                          .getMaxReplicas())
                  .isEqualTo(5);
              assertThat(
                      client
                          .network()
                          .v1()
                          .networkPolicies()
                          .inNamespace(NS)
                          .withName("fraud")
                          .get()
                          .getSpec()
                          .getIngress()
                          .get(0)
                          .getFrom()
                          .get(0)
                          .getPodSelector()
                          .getMatchLabels())
                  .containsEntry("app", "gateway");
              assertThat(
                      client
                          .policy()
                          .v1()
                          .podDisruptionBudget()
                          .inNamespace(NS)
                          .withName("fraud")
                          .get())
                  .isNotNull();
            });

    // The HPA scales the Deployment; a spec change elsewhere leaves its replica count alone.
    client.apps().deployments().inNamespace(NS).withName("fraud").scale(4);
    edit(
        "fraud",
        m -> {
          m.getSpec().setAutoscaling(Autoscaling.builder().minReplicas(2).maxReplicas(8).build());
          m.getSpec().setNetworkPolicy(NetworkPolicySpec.builder().build());
          m.getSpec().setPort(9000);
        });
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(
                      client
                          .autoscaling()
                          .v2()
                          .horizontalPodAutoscalers()
                          .inNamespace(NS)
                          .withName("fraud")
                          .get()
                          .getSpec()
                          .getMaxReplicas())
                  .isEqualTo(8);
              assertThat(
                      client
                          .network()
                          .v1()
                          .networkPolicies()
                          .inNamespace(NS)
                          .withName("fraud")
                          .get()
                          .getSpec()
                          .getIngress()
                          .get(0)
                          .getPorts()
                          .get(0)
                          .getPort()
                          .getIntVal())
                  .isEqualTo(9000);
              assertThat(
                      client
                          .services()
                          .inNamespace(NS)
                          .withName("fraud")
                          .get()
                          .getSpec()
                          .getPorts()
                          .get(0)
                          .getPort())
                  .isEqualTo(9000);
              Deployment d = k.deployment("fraud");
              assertThat(
                      d.getSpec()
                          .getTemplate()
                          .getSpec()
                          .getContainers()
                          .get(0)
                          .getPorts()
                          .get(0)
                          .getContainerPort())
                  .isEqualTo(9000);
              assertThat(d.getSpec().getReplicas()).as("the HPA's count").isEqualTo(4);
            });

    // No autoscaling, one replica, no policy: HPA, PDB and NetworkPolicy go.
    edit(
        "fraud",
        m -> {
          m.getSpec().setAutoscaling(null);
          m.getSpec().setReplicas(1);
          m.getSpec().setNetworkPolicy(NetworkPolicySpec.builder().enabled(false).build());
        });
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(
                      client
                          .autoscaling()
                          .v2()
                          .horizontalPodAutoscalers()
                          .inNamespace(NS)
                          .withName("fraud")
                          .get())
                  .isNull();
              assertThat(
                      client
                          .network()
                          .v1()
                          .networkPolicies()
                          .inNamespace(NS)
                          .withName("fraud")
                          .get())
                  .isNull();
              assertThat(
                      client
                          .policy()
                          .v1()
                          .podDisruptionBudget()
                          .inNamespace(NS)
                          .withName("fraud")
                          .get())
                  .isNull();
              assertThat(k.deployment("fraud").getSpec().getReplicas()).isEqualTo(1);
            });
  }

  @Test
  void crashLoopingPodsDegradeThenFailTheServerWithTheExitCode() {
    ModelServer ms =
        server("crashy", ModelSource.builder().uri("pvc://models/iris/model.onnx").build());
    ms.getSpec().setReplicas(2);
    cluster.client().resource(ms).create();
    await().atMost(WAIT).until(() -> k.deployment("crashy") != null);

    k.serverPod("crashy", "crashy-1", ModelServerHelper.serving(), true);
    k.serverPod("crashy", "crashy-2", ModelServerHelper.crashLooping(3), false);
    k.deploymentStatus("crashy", 1);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ModelServerStatus s = k.get("crashy").getStatus();
              assertThat(s.getPhase()).isEqualTo(ModelServerPhase.Degraded);
              assertThat(s.getFailure().getReason()).isEqualTo("CrashLoopBackOff");
              assertThat(s.getFailure().getExitCode()).isEqualTo(3);
              assertThat(s.getFailure().getPod()).isEqualTo("crashy-2");
            });

    k.serverPod("crashy", "crashy-1", ModelServerHelper.crashLooping(3), false);
    k.deploymentStatus("crashy", 0);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ModelServerStatus s = k.get("crashy").getStatus();
              assertThat(s.getPhase()).isEqualTo(ModelServerPhase.Failed);
              assertThat(s.getFailure().getReason()).isEqualTo("CrashLoopBackOff");
              assertThat(s.getFailure().getExitCode()).isEqualTo(3);
              assertThat(s.getFailure().getMessage()).contains("exit code 3");
            });

    k.serverPod("crashy", "crashy-1", ModelServerHelper.serving(), true);
    k.serverPod("crashy", "crashy-2", ModelServerHelper.serving(), true);
    k.deploymentStatus("crashy", 2);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ModelServerStatus s = k.get("crashy").getStatus();
              assertThat(s.getPhase()).isEqualTo(ModelServerPhase.Ready);
              assertThat(s.getFailure()).isNull();
              assertThat(s.getUrl()).isEqualTo("http://crashy.team-a.svc.cluster.local:8080");
            });
    assertThat(cluster.events("crashy"))
        .extracting(Event::getReason)
        .contains("Degraded", "CrashLoopBackOff", "Ready");
  }

  @Test
  void aRestartedOperatorWritesNothing() {
    ModelServer ms =
        server("steady", ModelSource.builder().uri("s3://models/steady/model.onnx").build());
    ms.getSpec().setAutoscaling(Autoscaling.builder().minReplicas(2).maxReplicas(3).build());
    cluster.client().resource(ms).create();
    await().atMost(WAIT).until(() -> k.deployment("steady") != null);
    k.serverPod("steady", "steady-1", ModelServerHelper.serving(), true);
    k.serverPod("steady", "steady-2", ModelServerHelper.serving(), true);
    k.deploymentStatus("steady", 2);
    await()
        .atMost(WAIT)
        .until(() -> k.get("steady").getStatus().getPhase() == ModelServerPhase.Ready);
    var client = cluster.client();
    List<HasMetadata> before = children(client);
    ModelServerStatus status = k.get("steady").getStatus();

    operator.close();
    RequestLog second = new RequestLog();
    operator = cluster.startOperator(Map.of(), second);
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(6))
        .untilAsserted(
            () -> {
              assertThat(k.get("steady").getStatus()).isEqualTo(status);
              assertThat(children(client)).isEqualTo(before);
            });
    assertThat(second.writes()).as("the restarted operator writes nothing").isEmpty();
  }

  private List<HasMetadata> children(io.fabric8.kubernetes.client.KubernetesClient client) {
    return List.of(
        client.apps().deployments().inNamespace(NS).withName("steady").get(),
        client.services().inNamespace(NS).withName("steady").get(),
        client
            .autoscaling()
            .v2()
            .horizontalPodAutoscalers()
            .inNamespace(NS)
            .withName("steady")
            .get(),
        client.network().v1().networkPolicies().inNamespace(NS).withName("steady").get(),
        client.policy().v1().podDisruptionBudget().inNamespace(NS).withName("steady").get());
  }

  /** A user's edit of the spec; retried when it races with the operator's status write. */
  private void edit(String name, java.util.function.Consumer<ModelServer> change) {
    await()
        .atMost(WAIT)
        .ignoreExceptionsInstanceOf(io.fabric8.kubernetes.client.KubernetesClientException.class)
        .until(
            () -> {
              cluster
                  .client()
                  .resources(ModelServer.class)
                  .inNamespace(NS)
                  .withName(name)
                  .edit(
                      m -> {
                        change.accept(m);
                        return m;
                      });
              return true;
            });
  }

  static String modelOf(Deployment d) {
    return d == null
        ? null
        : d.getSpec().getTemplate().getMetadata().getAnnotations().get("kiln.dev/model-uri");
  }

  static Condition condition(ModelServerStatus s, String type) {
    return s.getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElseThrow();
  }
}
