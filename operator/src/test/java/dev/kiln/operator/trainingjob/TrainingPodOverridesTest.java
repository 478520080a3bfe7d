package dev.kiln.operator.trainingjob;

import static dev.kiln.operator.trainingjob.TrainingJobFixtures.CONFIG;
import static dev.kiln.operator.trainingjob.TrainingJobFixtures.container;
import static dev.kiln.operator.trainingjob.TrainingJobFixtures.trainingJob;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.Dataset;
import dev.kiln.api.v1alpha1.PodOverrides;
import dev.kiln.api.v1alpha1.PodSecurityLevel;
import dev.kiln.api.v1alpha1.PodVolumeMount;
import dev.kiln.api.v1alpha1.PrepareStep;
import dev.kiln.api.v1alpha1.TrainingJob;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** What spec.pod adds to the training pods, and what it leaves as Kiln built it. */
class TrainingPodOverridesTest {
  private static final Volume REFERENCE =
      new VolumeBuilder()
          .withName("reference")
          .withNewPersistentVolumeClaim("reference-data", true)
          .build();

  private static TrainingJob withPod(Consumer<PodOverrides.PodOverridesBuilder> pod) {
    PodOverrides.PodOverridesBuilder overrides = PodOverrides.builder();
    pod.accept(overrides);
    return trainingJob(
        "vision",
        spec -> {
          spec.setDataset(new Dataset("s3://datasets/imagenet/", null));
          spec.setPrepare(new PrepareStep("registry.example/etl:1", null, null));
          spec.setPod(overrides.build());
        });
  }

  private static Job job(TrainingJob tj) {
    return TrainingBatchJobBuilder.build(tj, CONFIG);
  }

  private static PodSpec pod(TrainingJob tj) {
    return job(tj).getSpec().getTemplate().getSpec();
  }

  private static Container trainer(TrainingJob tj) {
    return container(pod(tj), TrainingBatchJobBuilder.TRAINER);
  }

  @Test
  void withoutOverridesTheJobIsWhatItWasAndAnEmptyPodSectionChangesNothing() {
    TrainingJob plain = trainingJob("vision", spec -> {});
    TrainingJob empty = trainingJob("vision", spec -> spec.setPod(new PodOverrides()));

    assertThat(job(empty)).isEqualTo(job(plain));
    TrainingBatchJobBuilderTest.assertRestricted(pod(empty));
  }

  @Test
  void labelsAndAnnotationsReachThePodsButNotTheJob() {
    TrainingJob tj =
        withPod(
            p ->
                p.labels(Map.of("azure.workload.identity/use", "true"))
                    .annotations(Map.of("sidecar.istio.io/inject", "false")));
    Job job = job(tj);
    var template = job.getSpec().getTemplate().getMetadata();

    assertThat(template.getLabels())
        .containsEntry("azure.workload.identity/use", "true")
        .containsAllEntriesOf(TrainingMetadata.labels(tj, TrainingBatchJobBuilder.TRAINER));
    assertThat(template.getAnnotations())
        .containsEntry("sidecar.istio.io/inject", "false")
        .containsKey(PodContract.HPARAMS_ANNOTATION);
    assertThat(job.getMetadata().getLabels()).doesNotContainKey("azure.workload.identity/use");
  }

  @Test
  void aReservedLabelThatSlipsPastValidationNeverReplacesKilnsOwn() {
    TrainingJob tj = withPod(p -> p.labels(Map.of("kiln.dev/trainingjob", "someone-else")));

    assertThat(job(tj).getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("kiln.dev/trainingjob", "vision");
  }

  @Test
  void extraVolumesFollowKilnsAndOnlyTheTrainerMountsThem() {
    TrainingJob tj =
        withPod(
            p ->
                p.volumes(List.of(REFERENCE))
                    .volumeMounts(
                        List.of(
                            PodVolumeMount.builder()
                                .name("reference")
                                .mountPath("/data/reference")
                                .readOnly(true)
                                .subPath("v2")
                                .build())));
    PodSpec pod = pod(tj);

    assertThat(pod.getVolumes()).last().isEqualTo(REFERENCE);
    assertThat(pod.getVolumes()).extracting(Volume::getName).contains("workspace", "tmp");
    assertThat(trainer(tj).getVolumeMounts())
        .last()
        .satisfies(
            m -> {
              assertThat(m.getName()).isEqualTo("reference");
              assertThat(m.getMountPath()).isEqualTo("/data/reference");
              assertThat(m.getReadOnly()).isTrue();
              assertThat(m.getSubPath()).isEqualTo("v2");
            });
    for (String other : List.of(TrainingBatchJobBuilder.LOADER, TrainingBatchJobBuilder.PREPARE)) {
      assertThat(container(pod, other).getVolumeMounts())
          .extracting(VolumeMount::getName)
          .as(other)
          .doesNotContain("reference");
    }
  }

  @Test
  void sharedMemoryIsAMemoryBackedVolumeAtDevShmInTheTrainer() {
    PodSpec pod = pod(withPod(p -> p.sharedMemory("2Gi")));

    Volume dshm =
        pod.getVolumes().stream().filter(v -> v.getName().equals("dshm")).findFirst().orElseThrow();
    assertThat(dshm.getEmptyDir().getMedium()).isEqualTo("Memory");
    assertThat(dshm.getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("2Gi"));
    assertThat(container(pod, TrainingBatchJobBuilder.TRAINER).getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getName()).isEqualTo("dshm");
              assertThat(m.getMountPath()).isEqualTo("/dev/shm");
            });
  }

  @Test
  void runtimeClassAndSchedulerAreThePods() {
    PodSpec pod = pod(withPod(p -> p.runtimeClassName("nvidia").schedulerName("volcano")));

    assertThat(pod.getRuntimeClassName()).isEqualTo("nvidia");
    assertThat(pod.getSchedulerName()).isEqualTo("volcano");
  }

  @Test
  void aNonRootUserKeepsThePodRestrictedAndAppliesToTheUsersContainersOnly() {
    PodSpec pod = pod(withPod(p -> p.runAsUser(1000L).runAsGroup(1000L).fsGroup(2000L)));

    TrainingBatchJobBuilderTest.assertRestricted(pod);
    assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(2000L);
    for (String user : List.of(TrainingBatchJobBuilder.TRAINER, TrainingBatchJobBuilder.PREPARE)) {
      SecurityContext ctx = container(pod, user).getSecurityContext();
      assertThat(ctx.getRunAsUser()).as(user).isEqualTo(1000L);
      assertThat(ctx.getRunAsGroup()).as(user).isEqualTo(1000L);
    }
    SecurityContext loader = container(pod, TrainingBatchJobBuilder.LOADER).getSecurityContext();
    assertThat(loader.getRunAsUser()).as("the loader runs as its image's user").isNull();
  }

  @Test
  void trainersKeepAWritableRootUnlessTheSpecAsksForAReadOnlyOne() {
    for (String user : List.of(TrainingBatchJobBuilder.TRAINER, TrainingBatchJobBuilder.PREPARE)) {
      assertThat(container(pod(withPod(p -> {})), user).getSecurityContext())
          .extracting(SecurityContext::getReadOnlyRootFilesystem)
          .as(user)
          .isEqualTo(false);
      assertThat(
              container(pod(withPod(p -> p.readOnlyRootFilesystem(true))), user)
                  .getSecurityContext()
                  .getReadOnlyRootFilesystem())
          .as(user)
          .isTrue();
    }
  }

  @Test
  void baselineLetsTheUsersContainersRunAsRootAndKeepsTheRestOfTheHardening() {
    PodSpec pod =
        pod(withPod(p -> p.securityLevel(PodSecurityLevel.baseline).runAsUser(0L).runAsGroup(0L)));

    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isNull();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    for (String user : List.of(TrainingBatchJobBuilder.TRAINER, TrainingBatchJobBuilder.PREPARE)) {
      SecurityContext ctx = container(pod, user).getSecurityContext();
      assertThat(ctx.getRunAsNonRoot()).as(user).isNull();
      assertThat(ctx.getRunAsUser()).as(user).isZero();
      assertThat(ctx.getAllowPrivilegeEscalation()).as(user).isFalse();
      assertThat(ctx.getCapabilities().getDrop()).as(user).containsExactly("ALL");
      assertThat(ctx.getSeccompProfile().getType()).as(user).isEqualTo("RuntimeDefault");
    }
    SecurityContext loader = container(pod, TrainingBatchJobBuilder.LOADER).getSecurityContext();
    assertThat(loader.getRunAsNonRoot()).as("Kiln's loader stays non-root").isTrue();
    assertThat(loader.getReadOnlyRootFilesystem()).isTrue();
  }
}
