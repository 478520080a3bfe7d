package dev.kiln.operator.trainingjob;

import static dev.kiln.operator.trainingjob.TrainingJobFixtures.CONFIG;
import static dev.kiln.operator.trainingjob.TrainingJobFixtures.NAMESPACE;
import static dev.kiln.operator.trainingjob.TrainingJobFixtures.UID;
import static dev.kiln.operator.trainingjob.TrainingJobFixtures.container;
import static dev.kiln.operator.trainingjob.TrainingJobFixtures.env;
import static dev.kiln.operator.trainingjob.TrainingJobFixtures.trainingJob;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.Workspace;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The workspace volume, report Secret and workers Service of a TrainingJob. */
class TrainingJobChildBuildersTest {
  private static final String DEFAULT_SIZE = CONFIG.defaultWorkspaceSize();

  private static TrainingJob withWorkspace(Workspace workspace) {
    return trainingJob("mnist", spec -> spec.setWorkspace(workspace));
  }

  private static PersistentVolumeClaim claim(TrainingJob tj) {
    return WorkspaceClaimBuilder.build(tj, DEFAULT_SIZE).orElseThrow();
  }

  private static void assertOwnedByTheTrainingJob(HasMetadata child) {
    assertThat(child.getMetadata().getOwnerReferences())
        .as(child.getKind() + " owner references")
        .singleElement()
        .satisfies(
            ref -> {
              assertThat(ref.getKind()).isEqualTo("TrainingJob");
              assertThat(ref.getName()).isEqualTo("mnist");
              assertThat(ref.getUid()).isEqualTo(UID);
              assertThat(ref.getController()).isTrue();
            });
  }

  private static void assertLabelled(HasMetadata child, String component) {
    assertThat(child.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/name", "kiln-training")
        .containsEntry("app.kubernetes.io/instance", "mnist")
        .containsEntry("app.kubernetes.io/component", component)
        .containsEntry("app.kubernetes.io/part-of", "kiln")
        .containsEntry("app.kubernetes.io/managed-by", "kiln-operator")
        .containsEntry("kiln.dev/trainingjob", "mnist");
  }

  private static PodSpec pod(TrainingJob tj) {
    return TrainingBatchJobBuilder.build(tj, CONFIG).getSpec().getTemplate().getSpec();
  }

  // ---- workspace ------------------------------------------------------------------------------

  @Test
  void withoutAWorkspaceKilnCreatesAClaimOfTheConfiguredDefaultSize() {
    assertThat(DEFAULT_SIZE).isEqualTo("25Gi"); // differs from the built-in 10Gi

    PersistentVolumeClaim pvc = claim(trainingJob("mnist"));

    assertThat(pvc.getMetadata().getName()).isEqualTo("mnist-workspace");
    assertThat(pvc.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(pvc.getSpec().getResources().getRequests())
        .isEqualTo(Map.of("storage", new Quantity("25Gi")));
    assertThat(pvc.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
    assertThat(pvc.getSpec().getStorageClassName()).as("the cluster default").isNull();
    assertLabelled(pvc, "workspace");
    assertOwnedByTheTrainingJob(pvc);
  }

  @Test
  void anExplicitSizeStorageClassAndAccessModesAreUsed() {
    PersistentVolumeClaim pvc =
        claim(
            withWorkspace(
                Workspace.builder()
                    .size("200Gi")
                    .storageClassName("fast-ssd")
                    .accessModes(List.of("ReadWriteOncePod"))
                    .build()));

    assertThat(pvc.getSpec().getResources().getRequests())
        .isEqualTo(Map.of("storage", new Quantity("200Gi")));
    assertThat(pvc.getSpec().getStorageClassName()).isEqualTo("fast-ssd");
    assertThat(pvc.getSpec().getAccessModes()).containsExactly("ReadWriteOncePod");
  }

  @Test
  void severalWorkersShareTheWorkspaceReadWriteMany() {
    PersistentVolumeClaim pvc = claim(trainingJob("mnist", spec -> spec.setWorkers(3)));

    assertThat(pvc.getSpec().getAccessModes()).containsExactly("ReadWriteMany");
  }

  @Test
  void explicitAccessModesWinOverTheWorkersDefault() {
    TrainingJob tj =
        trainingJob(
            "mnist",
            spec -> {
              spec.setWorkers(3);
              spec.setWorkspace(
                  Workspace.builder().size("10Gi").accessModes(List.of("ReadWriteOnce")).build());
            });

    assertThat(claim(tj).getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
  }

  @Test
  void anExistingClaimIsMountedAndNoClaimIsCreated() {
    TrainingJob tj = withWorkspace(Workspace.builder().existingClaim("team-datasets").build());

    assertThat(WorkspaceClaimBuilder.build(tj, DEFAULT_SIZE)).isEmpty();
    assertThat(WorkspaceClaimBuilder.claimName(tj)).isEqualTo("team-datasets");
    assertThat(pod(tj).getVolumes())
        .filteredOn(v -> v.getPersistentVolumeClaim() != null)
        .extracting(v -> v.getPersistentVolumeClaim().getClaimName())
        .containsExactly("team-datasets");
  }

  @Test
  void thePodsMountTheClaimKilnCreates() {
    TrainingJob tj = trainingJob("mnist");

    assertThat(pod(tj).getVolumes())
        .filteredOn(v -> v.getPersistentVolumeClaim() != null)
        .extracting(v -> v.getPersistentVolumeClaim().getClaimName())
        .containsExactly(claim(tj).getMetadata().getName());
  }

  @Test
  void aRetainedWorkspaceHasNoOwnerSoItOutlivesTheTrainingJob() {
    PersistentVolumeClaim pvc =
        claim(
            withWorkspace(
                Workspace.builder()
                    .size("10Gi")
                    .retainPolicy(Workspace.RetainPolicy.Retain)
                    .build()));

    assertThat(pvc.getMetadata().getOwnerReferences()).isNullOrEmpty();
    assertLabelled(pvc, "workspace");
  }

  @Test
  void aDeletedWorkspaceIsOwnedSoItGoesWithTheTrainingJob() {
    assertOwnedByTheTrainingJob(
        claim(
            withWorkspace(
                Workspace.builder()
                    .size("10Gi")
                    .retainPolicy(Workspace.RetainPolicy.Delete)
                    .build())));
    assertOwnedByTheTrainingJob(claim(withWorkspace(Workspace.builder().size("10Gi").build())));
  }

  // ---- report token Secret --------------------------------------------------------------------

  @Test
  void theReportSecretHoldsTheTokenImmutablyUnderTheKeyThePodReads() {
    TrainingJob tj = trainingJob("mnist");

    Secret secret = RunInputsBuilder.reportTokenSecret(tj, "v1.abc.def");

    assertThat(secret.getMetadata().getName()).isEqualTo("mnist-report-token-" + UID);
    assertThat(secret.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(secret.getImmutable()).isTrue();
    assertThat(secret.getStringData()).isEqualTo(Map.of("token", "v1.abc.def"));
    assertLabelled(secret, "report-token");
    assertOwnedByTheTrainingJob(secret);

    // The pod mounts this Secret, and its token file is this key.
    PodSpec pod = pod(tj);
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getSecret() != null)
        .extracting(v -> v.getSecret().getSecretName())
        .containsExactly(secret.getMetadata().getName());
    assertThat(env(container(pod, "trainer"), "KILN_REPORT_TOKEN_FILE").getValue())
        .endsWith("/" + secret.getStringData().keySet().iterator().next());
  }

  // ---- workers Service ------------------------------------------------------------------------

  @Test
  void oneWorkerNeedsNoService() {
    assertThat(WorkerServiceBuilder.build(trainingJob("mnist"))).isEmpty();
    assertThat(WorkerServiceBuilder.build(trainingJob("mnist", s -> s.setWorkers(1)))).isEmpty();
  }

  @Test
  void severalWorkersGetAHeadlessServiceSelectingTheirPodsOnTheCoordinatorPort() {
    TrainingJob tj = trainingJob("mnist", spec -> spec.setWorkers(4));
    Job job = TrainingBatchJobBuilder.build(tj, CONFIG);

    Service service = WorkerServiceBuilder.build(tj).orElseThrow();

    assertThat(service.getMetadata().getName()).isEqualTo("mnist-workers");
    assertThat(service.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(service.getSpec().getPublishNotReadyAddresses())
        .as("workers must find each other before they are ready")
        .isTrue();
    assertThat(service.getSpec().getSelector()).isEqualTo(Map.of("kiln.dev/trainingjob", "mnist"));
    assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(service.getSpec().getSelector());
    assertThat(service.getSpec().getPorts())
        .extracting(ServicePort::getPort)
        .containsExactly(29500);
    assertThat(
            env(
                    container(job.getSpec().getTemplate().getSpec(), "trainer"),
                    "KILN_COORDINATOR_ADDR")
                .getValue())
        .endsWith("." + service.getMetadata().getName() + "." + NAMESPACE + ".svc:29500");
    assertLabelled(service, "workers");
    assertOwnedByTheTrainingJob(service);
  }
}
