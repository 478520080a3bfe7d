package dev.kiln.operator.trainingjob;

import static dev.kiln.operator.trainingjob.TrainingJobFixtures.CONFIG;
import static dev.kiln.operator.trainingjob.TrainingJobFixtures.NAMESPACE;
import static dev.kiln.operator.trainingjob.TrainingJobFixtures.container;
import static dev.kiln.operator.trainingjob.TrainingJobFixtures.env;
import static dev.kiln.operator.trainingjob.TrainingJobFixtures.trainingJob;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.PrepareStep;
import dev.kiln.api.v1alpha1.TrainingJob;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a PyTorch script sees in each worker pod: the variables torchrun and {@code
 * init_process_group("env://")} read, next to Kiln's own.
 */
class DistributedEnvironmentTest {
  private static final String INDEX_FIELD =
      "metadata.annotations['batch.kubernetes.io/job-completion-index']";

  private static Container trainer(TrainingJob tj) {
    return container(
        TrainingBatchJobBuilder.build(tj, CONFIG).getSpec().getTemplate().getSpec(),
        TrainingBatchJobBuilder.TRAINER);
  }

  private static TrainingJob workers(int n) {
    return trainingJob("ddp", spec -> spec.setWorkers(n));
  }

  private static String value(Container c, String name) {
    return env(c, name).getValue();
  }

  private static String fieldPath(Container c, String name) {
    return env(c, name).getValueFrom().getFieldRef().getFieldPath();
  }

  @Test
  void aSingleWorkerGetsNoneOfTheTorchVariables() {
    List<String> names = trainer(workers(1)).getEnv().stream().map(EnvVar::getName).toList();

    assertThat(names).doesNotContainAnyElementsOf(DistributedEnvironment.NAMES);
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 8})
  void severalWorkersGetTheWorldSizeAndWorkerZeroAsMaster(int n) {
    Container trainer = trainer(workers(n));
    String host = "ddp-1-0.ddp-workers." + NAMESPACE + ".svc";

    assertThat(value(trainer, "MASTER_ADDR")).isEqualTo(host);
    assertThat(value(trainer, "MASTER_PORT")).isEqualTo("29500");
    assertThat(value(trainer, "WORLD_SIZE")).isEqualTo(Integer.toString(n));
    assertThat(value(trainer, "LOCAL_RANK")).isEqualTo("0");
    assertThat(value(trainer, "LOCAL_WORLD_SIZE")).isEqualTo("1");
    assertThat(value(trainer, "PET_NNODES")).isEqualTo(Integer.toString(n));
    assertThat(value(trainer, "PET_MASTER_ADDR")).isEqualTo(host);
    assertThat(value(trainer, "PET_MASTER_PORT")).isEqualTo("29500");
    assertThat(value(trainer, "PET_NPROC_PER_NODE")).isEqualTo("1");
    // The same worker 0 Kiln's own variable names, host and port.
    assertThat(value(trainer, "KILN_COORDINATOR_ADDR")).isEqualTo(host + ":29500");
    assertThat(value(trainer, "KILN_WORKERS")).isEqualTo(Integer.toString(n));
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 8})
  void eachWorkersRankIsItsCompletionIndexLikeKilnsWorkerIndex(int n) {
    Container trainer = trainer(workers(n));

    assertThat(fieldPath(trainer, "KILN_WORKER_INDEX")).isEqualTo(INDEX_FIELD);
    assertThat(fieldPath(trainer, "RANK")).isEqualTo(INDEX_FIELD);
    assertThat(fieldPath(trainer, "NODE_RANK")).isEqualTo(INDEX_FIELD);
    assertThat(fieldPath(trainer, "PET_NODE_RANK")).isEqualTo(INDEX_FIELD);
  }

  @Test
  void torchrunStartsOneProcessPerGpuOfThePod() {
    TrainingJob tj =
        trainingJob(
            "ddp",
            spec -> {
              spec.setWorkers(2);
              spec.setResources(
                  new ResourceRequirementsBuilder()
                      .withLimits(Map.of("nvidia.com/gpu", new Quantity("4")))
                      .build());
            });

    assertThat(value(trainer(tj), "PET_NPROC_PER_NODE")).isEqualTo("4");
  }

  @Test
  void aVariableTheUserSetsKeepsTheUsersValueAndAppearsOnce() {
    TrainingJob tj =
        trainingJob(
            "ddp",
            spec -> {
              spec.setWorkers(2);
              spec.setEnv(List.of(new EnvVar("MASTER_PORT", "23456", null)));
            });
    List<EnvVar> env = trainer(tj).getEnv();

    assertThat(env).filteredOn(e -> e.getName().equals("MASTER_PORT")).hasSize(1);
    assertThat(value(trainer(tj), "MASTER_PORT")).isEqualTo("23456");
    assertThat(value(trainer(tj), "PET_MASTER_PORT")).isEqualTo("29500");
  }

  @Test
  void thePrepareStepGetsKilnsVariablesButNotTheTorchOnes() {
    TrainingJob tj =
        trainingJob(
            "ddp",
            spec -> {
              spec.setWorkers(2);
              spec.setPrepare(new PrepareStep("registry.example/etl:1", null, null));
            });
    Container prepare =
        container(
            TrainingBatchJobBuilder.build(tj, CONFIG).getSpec().getTemplate().getSpec(),
            TrainingBatchJobBuilder.PREPARE);
    List<String> names = prepare.getEnv().stream().map(EnvVar::getName).toList();

    assertThat(names).contains("KILN_WORKERS", "KILN_WORKER_INDEX");
    assertThat(names).doesNotContainAnyElementsOf(DistributedEnvironment.NAMES);
  }
}
