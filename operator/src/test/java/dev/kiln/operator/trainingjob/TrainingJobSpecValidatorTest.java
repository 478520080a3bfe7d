package dev.kiln.operator.trainingjob;

import static dev.kiln.operator.trainingjob.TrainingJobFixtures.trainingJob;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.Dataset;
import dev.kiln.api.v1alpha1.PodOverrides;
import dev.kiln.api.v1alpha1.PodVolumeMount;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.Unreadable;
import dev.kiln.api.v1alpha1.Workspace;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Specs the CRD schema lets through but Kiln cannot run fail once, naming the field. */
class TrainingJobSpecValidatorTest {

  private static List<String> problems(TrainingJob tj) {
    return TrainingJobSpecValidator.problems(tj);
  }

  @Test
  void anUnreadableIsItsOneProblemNotTheEmptySpecsMissingImage() {
    TrainingJob tj =
        trainingJob(
            "mnist",
            spec -> {
              spec.setImage(null); // as TolerantReader leaves it: nothing read
              spec.setUnreadable(
                  new Unreadable(
                      "spec.workers: Invalid value: \"many\": must be an integer",
                      Map.of("workers", "many")));
            });

    assertThat(problems(tj))
        .containsExactly("spec.workers: Invalid value: \"many\": must be an integer");
  }

  @Test
  void aCompleteValidSpecHasNoProblems() {
    TrainingJob tj =
        trainingJob(
            "mnist",
            spec -> {
              spec.setHyperparameters(Map.of("learning_rate", "0.01", "epochs", "5"));
              spec.setResources(
                  new ResourceRequirementsBuilder()
                      .withRequests(
                          Map.of("cpu", new Quantity("500m"), "memory", new Quantity("4Gi")))
                      .withLimits(Map.of("nvidia.com/gpu", new Quantity("1")))
                      .build());
              spec.setWorkspace(Workspace.builder().size("20Gi").build());
              spec.setDataset(new Dataset("s3://datasets/mnist", "creds"));
              spec.setWorkers(2);
            });

    assertThat(problems(tj)).isEmpty();
  }

  @Test
  void deadlinesAndTtlAboveAYearAreRefusedNamingTheField() {
    TrainingJob tj = trainingJob("forever");
    tj.getSpec().setStartupDeadlineSeconds(Long.MAX_VALUE);
    tj.getSpec().setProgressDeadlineSeconds(31_536_001L);
    tj.getSpec().setTtlSecondsAfterFinished(-1L);
    tj.getSpec().setActiveDeadlineSeconds(31_536_000L);
    assertThat(problems(tj))
        .containsExactlyInAnyOrder(
            "spec.startupDeadlineSeconds: Invalid value: 9223372036854775807: must be between 1"
                + " and 31536000 (a year)",
            "spec.progressDeadlineSeconds: Invalid value: 31536001: must be between 1 and"
                + " 31536000 (a year)",
            "spec.ttlSecondsAfterFinished: Invalid value: -1: must be between 0 and 31536000 (a"
                + " year)");
  }

  @Test
  void aMinimalSpecHasNoProblems() {
    assertThat(problems(trainingJob("mnist"))).isEmpty();
  }

  @Test
  void anExistingClaimWorkspaceIsValid() {
    assertThat(
            problems(
                trainingJob(
                    "mnist",
                    s -> s.setWorkspace(Workspace.builder().existingClaim("mine").build()))))
        .isEmpty();
  }

  @Test
  void aNameOfAtMost55CharactersIsAccepted() {
    assertThat(problems(trainingJob("a".repeat(55)))).isEmpty();
  }

  @Test
  void aNameLongerThan55CharactersIsRejected() {
    assertThat(problems(trainingJob("a".repeat(56))))
        .singleElement()
        .asString()
        .startsWith("metadata.name: Too long: may not be longer than 55")
        .contains("56");
  }

  @Test
  void aNameStartingWithADigitIsRejectedOnlyWithSeveralWorkers() {
    assertThat(problems(trainingJob("1st-run"))).isEmpty();
    assertThat(problems(trainingJob("1st-run", spec -> spec.setWorkers(2))))
        .containsExactly("metadata.name: " + TrainingJob.WORKERS_NEED_A_LETTER);
  }

  @Test
  void aMissingImageIsRejected() {
    assertThat(problems(trainingJob("mnist", spec -> spec.setImage(" "))))
        .singleElement()
        .asString()
        .startsWith("spec.image:");
  }

  @Test
  void hyperparametersThatBecomeTheSameVariableAreRejectedNamingBoth() {
    TrainingJob tj =
        trainingJob(
            "mnist",
            spec ->
                spec.setHyperparameters(
                    Map.of("learning_rate", "0.1", "learningRate", "0.2", "epochs", "3")));

    assertThat(problems(tj))
        .singleElement()
        .asString()
        .startsWith("spec.hyperparameters:")
        .contains("'learning_rate'", "'learningRate'", "KILN_HP_LEARNING_RATE");
  }

  @Test
  void anInvalidQuantityInRequestsIsRejectedNamingTheResource() {
    TrainingJob tj =
        trainingJob(
            "mnist",
            spec ->
                spec.setResources(
                    new ResourceRequirementsBuilder()
                        .withRequests(Map.of("memory", new Quantity("lots")))
                        .build()));

    assertThat(problems(tj))
        .singleElement()
        .asString()
        .startsWith("spec.resources.requests.memory: Invalid value: \"lots\": must be a quantity");
  }

  @Test
  void anInvalidQuantityInLimitsIsRejectedNamingTheResource() {
    TrainingJob tj =
        trainingJob(
            "mnist",
            spec ->
                spec.setResources(
                    new ResourceRequirementsBuilder()
                        .withLimits(Map.of("nvidia.com/gpu", new Quantity("two")))
                        .build()));

    assertThat(problems(tj))
        .singleElement()
        .asString()
        .startsWith("spec.resources.limits.nvidia.com/gpu: Invalid value: \"two\"");
  }

  @Test
  void aNegativeQuantityIsRejected() {
    TrainingJob tj =
        trainingJob(
            "mnist",
            spec ->
                spec.setResources(
                    new ResourceRequirementsBuilder()
                        .withRequests(Map.of("cpu", new Quantity("-1")))
                        .build()));

    assertThat(problems(tj))
        .singleElement()
        .asString()
        .startsWith("spec.resources.requests.cpu:")
        .contains("must be greater than or equal to 0");
  }

  @Test
  void aWorkspaceWithBothSizeAndExistingClaimIsRejected() {
    TrainingJob tj =
        trainingJob(
            "mnist",
            spec ->
                spec.setWorkspace(Workspace.builder().size("10Gi").existingClaim("mine").build()));

    assertThat(problems(tj))
        .singleElement()
        .asString()
        .startsWith("spec.workspace:")
        .contains("size", "existingClaim");
  }

  @Test
  void aWorkspaceWithNeitherSizeNorExistingClaimIsRejected() {
    TrainingJob tj =
        trainingJob(
            "mnist",
            spec ->
                spec.setWorkspace(
                    Workspace.builder().retainPolicy(Workspace.RetainPolicy.Retain).build()));

    assertThat(problems(tj))
        .singleElement()
        .asString()
        .startsWith("spec.workspace:")
        .contains("size", "existingClaim");
  }

  @Test
  void anInvalidWorkspaceSizeIsRejected() {
    TrainingJob tj =
        trainingJob(
            "mnist", spec -> spec.setWorkspace(Workspace.builder().size("ten gigs").build()));

    assertThat(problems(tj)).singleElement().asString().startsWith("spec.workspace.size:");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    TrainingJob tj =
        trainingJob(
            "b".repeat(60),
            spec -> {
              spec.setHyperparameters(Map.of("lr.decay", "1", "lr_decay", "2"));
              spec.setWorkspace(new Workspace());
            });

    assertThat(problems(tj))
        .hasSize(3)
        .anySatisfy(p -> assertThat(p).startsWith("metadata.name:"))
        .anySatisfy(p -> assertThat(p).startsWith("spec.hyperparameters:"))
        .anySatisfy(p -> assertThat(p).startsWith("spec.workspace:"));
  }

  @Test
  void anEnvNameReservedForThePodContractIsRejectedEvenWithoutCel() {
    TrainingJob tj = trainingJob("iris");
    tj.getSpec()
        .setEnv(
            List.of(
                new io.fabric8.kubernetes.api.model.EnvVar("KILN_DATA_DIR", "/elsewhere", null)));
    assertThat(problems(tj))
        .containsExactly(
            "spec.env[0].name: names starting with KILN_ are reserved for the variables Kiln sets");
  }

  @Test
  void podOverridesThatCollideWithKilnsAreRefusedNamingTheField() {
    TrainingJob tj =
        trainingJob(
            "collide",
            spec ->
                spec.setPod(
                    PodOverrides.builder()
                        .labels(Map.of("app.kubernetes.io/managed-by", "me"))
                        .volumes(
                            List.of(
                                new VolumeBuilder()
                                    .withName("data")
                                    .withNewEmptyDir()
                                    .endEmptyDir()
                                    .build()))
                        .volumeMounts(
                            List.of(
                                PodVolumeMount.builder()
                                    .name("data")
                                    .mountPath("/kiln/data")
                                    .build()))
                        .build()));

    assertThat(problems(tj))
        .containsExactly(
            "spec.pod.labels: key 'app.kubernetes.io/managed-by' is set by Kiln or Kubernetes;"
                + " choose another",
            "spec.pod.volumeMounts[0].mountPath: '/kiln/data' is Kiln's (/kiln, /etc/kiln,"
                + " /var/run/kiln, /run/kiln, /dev/shm, /dev/termination-log and /tmp are"
                + " reserved; use spec.pod.sharedMemory for /dev/shm)");
  }
}
