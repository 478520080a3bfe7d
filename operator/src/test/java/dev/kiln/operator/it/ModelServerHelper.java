package dev.kiln.operator.it;

import static dev.kiln.operator.it.KilnTestCluster.NS;

import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.ModelServerSpec;
import dev.kiln.api.v1alpha1.ModelSource;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.testkit.workload.InspectResults;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import java.util.List;
import java.util.Map;

/**
 * ModelServers as a user writes them, and the parts of a cluster the ModelServer tests play: the
 * Deployment controller (Deployment status), the kubelet (server pods) and finished training runs.
 */
final class ModelServerHelper {
  private final KilnTestCluster cluster;

  ModelServerHelper(KilnTestCluster cluster) {
    this.cluster = cluster;
  }

  static ModelServer server(String name, ModelSource source) {
    ModelServer ms = new ModelServer();
    ms.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    ModelServerSpec spec = new ModelServerSpec();
    spec.setModel(source);
    ms.setSpec(spec);
    return ms;
  }

  ModelServer get(String name) {
    return cluster.client().resources(ModelServer.class).inNamespace(NS).withName(name).get();
  }

  Deployment deployment(String name) {
    return cluster.client().apps().deployments().inNamespace(NS).withName(name).get();
  }

  /**
   * The Job controller and the trainer: the TrainingJob's Job completes at {@code completedAt} with
   * a termination message carrying the metrics and the model file, and Kiln's inspection finds that
   * file with the digest the trainer reported ({@link #sha(String)}).
   */
  void trainingSucceeds(String trainingJob, String completedAt, String metricsJson) {
    String job = trainingJob + "-1";
    cluster.pod(
        trainingJob,
        job + "-pod",
        KilnTestCluster.terminated(
            0,
            "Completed",
            "{\"metrics\":"
                + metricsJson
                + ",\"artifact\":{\"path\":\"model.onnx\",\"sha256\":\""
                + sha(trainingJob)
                + "\",\"format\":\"onnx\"}}"));
    cluster.jobStatus(
        job,
        j -> {
          j.getStatus().setActive(0);
          j.getStatus().setSucceeded(1);
          j.getStatus().setCompletionTime(completedAt);
          j.getStatus()
              .setConditions(
                  List.of(
                      new JobConditionBuilder()
                          .withType("Complete")
                          .withStatus("True")
                          .withReason("CompletionsReached")
                          .withLastTransitionTime(completedAt)
                          .build()));
        });
    cluster.inspection(
        trainingJob,
        0,
        InspectResults.artifact("model.onnx", sha(trainingJob), 4096, "onnx"),
        completedAt);
  }

  /** The model digest of a TrainingJob's run. */
  static String sha(String trainingJob) {
    return InspectResults.sha256Of(trainingJob);
  }

  TrainingJob trainingJob(String name, Map<String, String> labels) {
    TrainingJob tj = TrainingJobs.basic(name);
    tj.getMetadata().setLabels(labels);
    return cluster.client().resource(tj).create();
  }

  /**
   * The Deployment controller: every replica of the current template updated, {@code ready} ready.
   */
  void deploymentStatus(String name, int ready) {
    Deployment d = deployment(name);
    int desired = d.getSpec().getReplicas();
    cluster
        .client()
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName(name)
        .editStatus(
            x -> {
              DeploymentStatus s = new DeploymentStatus();
              s.setObservedGeneration(x.getMetadata().getGeneration());
              s.setReplicas(desired);
              s.setUpdatedReplicas(desired);
              s.setReadyReplicas(ready);
              s.setAvailableReplicas(ready);
              x.setStatus(s);
              return x;
            });
  }

  /**
   * The Deployment controller mid roll-out: one new replica surged, not ready yet; the old replicas
   * still all ready.
   */
  void deploymentRollingOut(String name) {
    Deployment d = deployment(name);
    int desired = d.getSpec().getReplicas();
    cluster
        .client()
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName(name)
        .editStatus(
            x -> {
              DeploymentStatus s = new DeploymentStatus();
              s.setObservedGeneration(x.getMetadata().getGeneration());
              s.setReplicas(desired + 1);
              s.setUpdatedReplicas(1);
              s.setReadyReplicas(desired);
              s.setAvailableReplicas(desired);
              x.setStatus(s);
              return x;
            });
  }

  /** The kubelet: a pod of the Deployment's current template with the server's status. */
  void serverPod(String server, String podName, ContainerStatus status, boolean ready) {
    serverPod(server, podName, status, ready, true);
  }

  /**
   * A pod with the server pods' labels and spec; {@code owned}: the Deployment's (on the mock the
   * Deployment owns its pods directly), else a look-alike without an owner.
   */
  void serverPod(
      String server, String podName, ContainerStatus status, boolean ready, boolean owned) {
    Deployment d = deployment(server);
    var template = d.getSpec().getTemplate();
    var pods = cluster.client().pods().inNamespace(NS);
    if (pods.withName(podName).get() == null) {
      pods.resource(
              new PodBuilder()
                  .withNewMetadata()
                  .withName(podName)
                  .withNamespace(NS)
                  .withLabels(template.getMetadata().getLabels())
                  .withAnnotations(template.getMetadata().getAnnotations())
                  .withOwnerReferences(owned ? List.of(KilnTestCluster.controller(d)) : List.of())
                  .withCreationTimestamp(KilnTestCluster.now())
                  .endMetadata()
                  .withSpec(template.getSpec())
                  .build())
          .create();
    }
    pods.withName(podName)
        .editStatus(
            p -> {
              PodStatus s = new PodStatus();
              s.setPhase("Running");
              s.setConditions(
                  List.of(
                      new PodConditionBuilder()
                          .withType("Ready")
                          .withStatus(ready ? "True" : "False")
                          .build()));
              s.setContainerStatuses(List.of(status));
              p.setStatus(s);
              return p;
            });
  }

  static ContainerStatus serving() {
    return new ContainerStatusBuilder()
        .withName("server")
        .withReady(true)
        .withNewState()
        .withNewRunning()
        .withStartedAt(KilnTestCluster.now())
        .endRunning()
        .endState()
        .build();
  }

  static ContainerStatus crashLooping(int exitCode) {
    return new ContainerStatusBuilder()
        .withName("server")
        .withReady(false)
        .withRestartCount(5)
        .withNewState()
        .withNewWaiting()
        .withReason("CrashLoopBackOff")
        .withMessage("back-off 5m0s restarting failed container")
        .endWaiting()
        .endState()
        .withNewLastState()
        .withNewTerminated()
        .withExitCode(exitCode)
        .withReason("Error")
        .withMessage("error: cannot load /kiln/model-store/iris/model.onnx")
        .endTerminated()
        .endLastState()
        .build();
  }
}
