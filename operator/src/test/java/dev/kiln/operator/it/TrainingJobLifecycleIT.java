package dev.kiln.operator.it;

import static dev.kiln.operator.it.KilnTestCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.operator.KilnOperator;
import dev.kiln.testkit.workload.InspectResults;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A TrainingJob's whole life against the mock API server, with the test as Job controller. */
class TrainingJobLifecycleIT {
  private static final String SHA = InspectResults.sha256Of("the model");

  static {
    // Status fields are read while the operator may not have written them yet: an exception
    // there means "not yet", like a failed assertion, until the wait times out.
    org.awaitility.Awaitility.ignoreExceptionsByDefault();
  }

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
  void createsOwnedChildrenThenReportsRunningAndSucceeded() {
    TrainingJob tj = cluster.client().resource(TrainingJobs.basic("iris")).create();

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(cluster.jobs())
                  .extracting(j -> j.getMetadata().getName())
                  .containsExactly("iris-1");
              assertThat(cluster.phase("iris")).isEqualTo(TrainingJobPhase.Pending);
            });
    var client = cluster.client();
    List<HasMetadata> children =
        List.of(
            client.persistentVolumeClaims().inNamespace(NS).withName("iris-workspace").get(),
            client
                .secrets()
                .inNamespace(NS)
                .withName("iris-report-token-" + tj.getMetadata().getUid())
                .get(),
            cluster.jobs().get(0));
    for (HasMetadata child : children) {
      OwnerReference owner = child.getMetadata().getOwnerReferences().get(0);
      assertThat(owner.getUid()).as(child.getKind()).isEqualTo(tj.getMetadata().getUid());
      assertThat(owner.getController()).as(child.getKind()).isTrue();
    }

    cluster.jobActive("iris-1");
    cluster.pod("iris", "iris-1-abcde", KilnTestCluster.running());
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              TrainingJob now = cluster.get("iris");
              assertThat(now.getStatus().getPhase()).isEqualTo(TrainingJobPhase.Running);
              assertThat(now.getStatus().getStartTime()).isNotNull();
            });

    client
        .pods()
        .inNamespace(NS)
        .withName("iris-1-abcde")
        .editStatus(
            p -> {
              p.getStatus()
                  .setContainerStatuses(
                      List.of(
                          KilnTestCluster.terminated(
                              0,
                              "Completed",
                              "{\"metrics\":{\"accuracy\":0.97,\"loss\":0.08},"
                                  + "\"artifact\":{\"path\":\"model.onnx\",\"sha256\":\""
                                  + SHA
                                  + "\",\"format\":\"onnx\"}}")));
              return p;
            });
    cluster.jobFinished("iris-1", "Complete", "CompletionsReached", 0, 1);

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              TrainingJob inspecting = cluster.get("iris");
              assertThat(inspecting.getStatus().getPhase()).isEqualTo(TrainingJobPhase.Running);
              assertThat(inspecting.getStatus().getConditions())
                  .anySatisfy(c -> assertThat(c.getReason()).isEqualTo("InspectingModel"));
              assertThat(inspecting.getStatus().getArtifact()).isNull();
            });
    Job inspect = client.batch().v1().jobs().inNamespace(NS).withName("iris-inspect").get();
    assertThat(inspect.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .as("the trainer's report is checked")
        .containsExactly(
            "inspect",
            "/kiln/model",
            "--metrics-file",
            "metrics.json",
            "--expect-path",
            "model.onnx",
            "--expect-sha256",
            SHA);
    cluster.inspected("iris", InspectResults.artifact("model.onnx", SHA, 5120, "onnx"));

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              TrainingJob done = cluster.get("iris");
              assertThat(done.getStatus().getPhase()).isEqualTo(TrainingJobPhase.Succeeded);
              assertThat(done.getStatus().getCompletionTime()).isNotNull();
              assertThat(done.getStatus().getMetrics()).containsEntry("accuracy", "0.97");
              assertThat(done.getStatus().getArtifact().getUri())
                  .isEqualTo("pvc://iris-workspace/model/model.onnx");
              assertThat(done.getStatus().getArtifact().getSha256()).isEqualTo(SHA);
              assertThat(done.getStatus().getArtifact().getSizeBytes()).isEqualTo(5120L);
            });
    assertThat(cluster.events("iris"))
        .extracting(e -> e.getReason())
        .contains("JobCreated", "Running", "Succeeded");
    assertThat(cluster.events("iris"))
        .filteredOn(e -> e.getReason().equals("Succeeded"))
        .singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains(SHA, "5120 bytes", "onnx"));
  }

  @Test
  void severalWorkersRunAsAnIndexedJobWithAHeadlessServiceForRendezvous() {
    TrainingJob tj = TrainingJobs.basic("dist");
    tj.getSpec().setWorkers(3);
    cluster.client().resource(tj).create();

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(cluster.jobs()).hasSize(1);
              Job job = cluster.jobs().get(0);
              assertThat(job.getSpec().getCompletionMode()).isEqualTo("Indexed");
              assertThat(job.getSpec().getParallelism()).isEqualTo(3);
              assertThat(job.getSpec().getTemplate().getSpec().getSubdomain())
                  .isEqualTo("dist-workers");
            });
    var service = cluster.client().services().inNamespace(NS).withName("dist-workers").get();
    assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(service.getSpec().getSelector()).containsEntry("kiln.dev/trainingjob", "dist");
    assertThat(
            cluster
                .client()
                .persistentVolumeClaims()
                .inNamespace(NS)
                .withName("dist-workspace")
                .get()
                .getSpec()
                .getAccessModes())
        .containsExactly("ReadWriteMany");
  }

  @Test
  void withAnOutputUriTheModelIsUploadedByAFollowUpJobBeforeTheRunSucceeds() {
    TrainingJob tj = TrainingJobs.basic("up");
    tj.getSpec()
        .setOutput(
            dev.kiln.api.v1alpha1.Output.builder()
                .uri("s3://models/up/")
                .credentialsSecret("s3-creds")
                .build());
    cluster.client().resource(tj).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> cluster.jobs().size() == 1);
    cluster.pod(
        "up",
        "up-1-a",
        KilnTestCluster.terminated(
            0, "Completed", "{\"artifact\":{\"path\":\"model.onnx\",\"sha256\":\"" + SHA + "\"}}"));
    cluster.jobFinished("up-1", "Complete", "CompletionsReached", 0, 1);
    cluster.inspected("up", InspectResults.artifact("model.onnx", SHA, 5120, "onnx"));

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(cluster.jobs())
                  .extracting(j -> j.getMetadata().getName())
                  .containsExactlyInAnyOrder("up-1", "up-inspect", "up-upload");
              assertThat(cluster.phase("up")).isEqualTo(TrainingJobPhase.Running);
            });
    Job upload = cluster.client().batch().v1().jobs().inNamespace(NS).withName("up-upload").get();
    assertThat(upload.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .containsExactly("upload", "/kiln/model", "s3://models/up/");

    cluster.jobFinished("up-upload", "Complete", "CompletionsReached", 0, 1);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              var status = cluster.get("up").getStatus();
              assertThat(status.getPhase()).isEqualTo(TrainingJobPhase.Succeeded);
              assertThat(status.getArtifact().getUri()).isEqualTo("s3://models/up/model.onnx");
              assertThat(status.getArtifact().getSha256()).isEqualTo(SHA);
            });
    assertThat(cluster.events("up")).extracting(e -> e.getReason()).contains("UploadStarted");
  }
}
