package dev.kiln.operator.trainingjob;

import static dev.kiln.operator.trainingjob.TrainingJobFixtures.container;
import static dev.kiln.operator.trainingjob.TrainingJobFixtures.trainingJob;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.Dataset;
import dev.kiln.api.v1alpha1.Output;
import dev.kiln.api.v1alpha1.PodOverrides;
import dev.kiln.api.v1alpha1.PrepareStep;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.operator.OperatorConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Whose UIDs the pods of a run get: by default none (OpenShift's restricted-v2 SCC and other
 * platforms assign the user and fsGroup, and the images' numeric USER 65532 applies elsewhere); the
 * operator's KILN_POD_* settings when configured; a TrainingJob's spec.pod values over both. Every
 * pod stays restricted either way.
 */
class TrainingPodIdentityTest {
  static final OperatorConfig PLATFORM = OperatorConfig.fromMap(Map.of());
  static final OperatorConfig FIXED =
      OperatorConfig.fromMap(
          Map.of(
              "KILN_POD_RUN_AS_USER", "1000810000",
              "KILN_POD_RUN_AS_GROUP", "1000810001",
              "KILN_POD_FS_GROUP", "1000810002"));

  private static TrainingJob run(PodOverrides pod) {
    TrainingJob tj =
        trainingJob(
            "vision",
            spec -> {
              spec.setDataset(new Dataset("s3://datasets/imagenet/", null));
              spec.setPrepare(new PrepareStep("registry.example/etl:1", null, null));
              spec.setOutput(Output.builder().uri("s3://models/vision/").build());
              spec.setPod(pod);
            });
    return tj;
  }

  /** The training Job's pod, the inspect Job's and the upload Job's. */
  private static List<PodSpec> pods(TrainingJob tj, OperatorConfig config) {
    return List.of(
        TrainingBatchJobBuilder.build(tj, config).getSpec().getTemplate().getSpec(),
        InspectJobBuilder.build(tj, config, null).getSpec().getTemplate().getSpec(),
        UploadJobBuilder.build(tj, config).getSpec().getTemplate().getSpec());
  }

  private static List<Container> containers(PodSpec pod) {
    List<Container> all = new ArrayList<>();
    if (pod.getInitContainers() != null) {
      all.addAll(pod.getInitContainers());
    }
    all.addAll(pod.getContainers());
    return all;
  }

  @Test
  void byDefaultNoPodFixesAUserGroupOrFsGroupAndEveryPodStaysRestricted() {
    for (PodSpec pod : pods(run(null), PLATFORM)) {
      PodSecurityContext context = pod.getSecurityContext();
      assertThat(context.getRunAsNonRoot()).isTrue();
      assertThat(context.getRunAsUser()).isNull();
      assertThat(context.getRunAsGroup()).isNull();
      assertThat(context.getFsGroup()).isNull();
      assertThat(containers(pod))
          .allSatisfy(
              c -> {
                assertThat(c.getSecurityContext().getRunAsUser()).as(c.getName()).isNull();
                assertThat(c.getSecurityContext().getRunAsGroup()).as(c.getName()).isNull();
              });
      TrainingBatchJobBuilderTest.assertRestricted(pod);
    }
  }

  @Test
  void theOperatorsConfiguredIdsApplyToEveryPodOfTheRun() {
    for (PodSpec pod : pods(run(null), FIXED)) {
      PodSecurityContext context = pod.getSecurityContext();
      assertThat(context.getRunAsUser()).isEqualTo(1000810000L);
      assertThat(context.getRunAsGroup()).isEqualTo(1000810001L);
      assertThat(context.getFsGroup()).isEqualTo(1000810002L);
      TrainingBatchJobBuilderTest.assertRestricted(pod);
    }
  }

  @Test
  void aTrainingJobsOwnIdsWinOverTheOperatorsForItsContainersAndVolumes() {
    TrainingJob tj =
        run(PodOverrides.builder().runAsUser(2000L).runAsGroup(2001L).fsGroup(2002L).build());
    PodSpec pod = TrainingBatchJobBuilder.build(tj, FIXED).getSpec().getTemplate().getSpec();

    assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(2002L);
    for (String user : List.of(TrainingBatchJobBuilder.TRAINER, TrainingBatchJobBuilder.PREPARE)) {
      SecurityContext ctx = container(pod, user).getSecurityContext();
      assertThat(ctx.getRunAsUser()).as(user).isEqualTo(2000L);
      assertThat(ctx.getRunAsGroup()).as(user).isEqualTo(2001L);
    }
    SecurityContext loader = container(pod, TrainingBatchJobBuilder.LOADER).getSecurityContext();
    assertThat(loader.getRunAsUser())
        .as("the loader takes the pod's (the operator's) user")
        .isNull();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(1000810000L);
    TrainingBatchJobBuilderTest.assertRestricted(pod);
  }
}
