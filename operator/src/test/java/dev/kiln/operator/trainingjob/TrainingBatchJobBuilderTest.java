package dev.kiln.operator.trainingjob;

import static dev.kiln.operator.trainingjob.TrainingJobFixtures.CONFIG;
import static dev.kiln.operator.trainingjob.TrainingJobFixtures.IMAGE;
import static dev.kiln.operator.trainingjob.TrainingJobFixtures.LOADER_IMAGE;
import static dev.kiln.operator.trainingjob.TrainingJobFixtures.NAMESPACE;
import static dev.kiln.operator.trainingjob.TrainingJobFixtures.UID;
import static dev.kiln.operator.trainingjob.TrainingJobFixtures.container;
import static dev.kiln.operator.trainingjob.TrainingJobFixtures.env;
import static dev.kiln.operator.trainingjob.TrainingJobFixtures.trainingJob;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.v1alpha1.Dataset;
import dev.kiln.api.v1alpha1.PrepareStep;
import dev.kiln.api.v1alpha1.TrainingJob;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** The Kubernetes Job Kiln creates for a TrainingJob, as the trainer and the cluster see it. */
class TrainingBatchJobBuilderTest {
  private static Job build(TrainingJob tj) {
    return TrainingBatchJobBuilder.build(tj, CONFIG);
  }

  private static final Map<String, String> HYPERPARAMETERS =
      Map.of("learning_rate", "0.01", "epochs", "5", "batchSize", "64");

  private static TrainingJob mnist() {
    return trainingJob("mnist", spec -> spec.setHyperparameters(HYPERPARAMETERS));
  }

  private static TrainingJob distributed(int workers) {
    return trainingJob("ddp", spec -> spec.setWorkers(workers));
  }

  /** Every feature at once: dataset with credentials, prepare step, several workers. */
  private static TrainingJob everything() {
    return trainingJob(
        "full",
        spec -> {
          spec.setHyperparameters(HYPERPARAMETERS);
          spec.setWorkers(2);
          spec.setDataset(new Dataset("pvc://raw-data/mnist", "dataset-creds"));
          spec.setPrepare(
              new PrepareStep("registry.example/ml/etl:2", List.of("python", "prep.py"), null));
          spec.setServiceAccountName("trainer-sa");
        });
  }

  private PodSpec pod(TrainingJob tj) {
    return build(tj).getSpec().getTemplate().getSpec();
  }

  private Container trainer(TrainingJob tj) {
    return container(pod(tj), TrainingBatchJobBuilder.TRAINER);
  }

  private static List<String> envNames(Container c) {
    return c.getEnv().stream().map(EnvVar::getName).toList();
  }

  private static VolumeMount mountAt(Container c, String path) {
    return c.getVolumeMounts().stream()
        .filter(m -> m.getMountPath().equals(path))
        .findFirst()
        .orElseThrow(() -> new AssertionError(c.getName() + " mounts nothing at " + path));
  }

  private static Volume volume(PodSpec pod, String name) {
    return pod.getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name));
  }

  private static List<Container> allContainers(PodSpec pod) {
    List<Container> all = new ArrayList<>();
    if (pod.getInitContainers() != null) {
      all.addAll(pod.getInitContainers());
    }
    all.addAll(pod.getContainers());
    return all;
  }

  // ---- restricted Pod Security Standard ---------------------------------------------------------

  /**
   * Checks the Pod Security Standard "restricted" for a pod and each of its containers, with the
   * container context overriding the pod context where Kubernetes does.
   */
  static void assertRestricted(PodSpec pod) {
    PodSecurityContext podContext = pod.getSecurityContext();
    assertThat(podContext).as("pod securityContext").isNotNull();
    assertThat(pod.getHostNetwork()).as("hostNetwork").isNotEqualTo(true);
    assertThat(pod.getHostPID()).as("hostPID").isNotEqualTo(true);
    assertThat(pod.getHostIPC()).as("hostIPC").isNotEqualTo(true);
    assertThat(pod.getVolumes())
        .as("volumes")
        .allSatisfy(v -> assertThat(v.getHostPath()).isNull());
    assertThat(allContainers(pod)).isNotEmpty();
    for (Container c : allContainers(pod)) {
      String name = "container " + c.getName() + ": ";
      SecurityContext ctx = c.getSecurityContext();
      assertThat(ctx).as(name + "securityContext").isNotNull();
      Boolean runAsNonRoot =
          ctx.getRunAsNonRoot() != null ? ctx.getRunAsNonRoot() : podContext.getRunAsNonRoot();
      assertThat(runAsNonRoot).as(name + "runAsNonRoot").isTrue();
      Long runAsUser = ctx.getRunAsUser() != null ? ctx.getRunAsUser() : podContext.getRunAsUser();
      assertThat(Objects.equals(runAsUser, 0L)).as(name + "runs as root (runAsUser 0)").isFalse();
      assertThat(ctx.getAllowPrivilegeEscalation()).as(name + "allowPrivilegeEscalation").isFalse();
      assertThat(ctx.getPrivileged()).as(name + "privileged").isNotEqualTo(true);
      Capabilities caps = ctx.getCapabilities();
      assertThat(caps).as(name + "capabilities").isNotNull();
      assertThat(caps.getDrop()).as(name + "capabilities.drop").contains("ALL");
      assertThat(Objects.requireNonNullElse(caps.getAdd(), List.<String>of()))
          .as(name + "capabilities.add")
          .isSubsetOf("NET_BIND_SERVICE");
      SeccompProfile seccomp =
          ctx.getSeccompProfile() != null
              ? ctx.getSeccompProfile()
              : podContext.getSeccompProfile();
      assertThat(seccomp).as(name + "seccompProfile").isNotNull();
      assertThat(seccomp.getType()).as(name + "seccompProfile.type").isEqualTo("RuntimeDefault");
    }
  }

  @Test
  void aMinimalPodMeetsTheRestrictedProfile() {
    assertRestricted(pod(trainingJob("minimal")));
  }

  @Test
  void aPodWithLoaderPrepareAndWorkersMeetsTheRestrictedProfileInEveryContainer() {
    PodSpec pod = pod(everything());

    assertThat(allContainers(pod))
        .extracting(Container::getName)
        .containsExactly(
            TrainingBatchJobBuilder.ATTEMPT,
            TrainingBatchJobBuilder.LOADER,
            TrainingBatchJobBuilder.PREPARE,
            "trainer");
    assertRestricted(pod);
  }

  @Test
  void theLoaderRunsWithAReadOnlyRootFilesystem() {
    Container loader = container(pod(everything()), TrainingBatchJobBuilder.LOADER);

    assertThat(loader.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
  }

  // ---- identity: name, labels, owner ---------------------------------------------------------

  @Test
  void theJobHasTheDeterministicNameOfRunOneInTheTrainingJobsNamespace() {
    Job job = build(mnist());

    assertThat(job.getMetadata().getName()).isEqualTo("mnist-1");
    assertThat(job.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
    assertThat(trainer(mnist()).getImage()).isEqualTo(IMAGE);
  }

  @Test
  void theJobAndItsPodsCarryTheStandardLabels() {
    Map<String, String> expected =
        Map.of(
            "app.kubernetes.io/name", "kiln-training",
            "app.kubernetes.io/instance", "mnist",
            "app.kubernetes.io/component", "trainer",
            "app.kubernetes.io/part-of", "kiln",
            "app.kubernetes.io/managed-by", "kiln-operator",
            "kiln.dev/trainingjob", "mnist");

    Job job = build(mnist());

    assertThat(job.getMetadata().getLabels()).isEqualTo(expected);
    assertThat(job.getSpec().getTemplate().getMetadata().getLabels()).isEqualTo(expected);
  }

  @Test
  void theJobIsControlledByItsTrainingJob() {
    Job job = build(mnist());

    assertThat(job.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            ref -> {
              assertThat(ref.getApiVersion()).isEqualTo("kiln.dev/v1alpha1");
              assertThat(ref.getKind()).isEqualTo("TrainingJob");
              assertThat(ref.getName()).isEqualTo("mnist");
              assertThat(ref.getUid()).isEqualTo(UID);
              assertThat(ref.getController()).isTrue();
            });
  }

  @Test
  void buildingTwiceGivesEqualJobs() {
    TrainingJob tj = everything();

    assertThat(build(tj)).isEqualTo(build(tj));
    assertThat(Serialization.asJson(TrainingBatchJobBuilder.build(tj, CONFIG)))
        .isEqualTo(Serialization.asJson(build(tj)));
  }

  @Test
  void hyperparametersInAnotherOrderGiveTheSameJob() {
    Map<String, String> forward = new LinkedHashMap<>();
    forward.put("a_first", "1");
    forward.put("b_second", "2");
    forward.put("c_third", "3");
    Map<String, String> backward = new LinkedHashMap<>();
    backward.put("c_third", "3");
    backward.put("b_second", "2");
    backward.put("a_first", "1");

    Job one = build(trainingJob("hp", spec -> spec.setHyperparameters(forward)));
    Job other = build(trainingJob("hp", spec -> spec.setHyperparameters(backward)));

    assertThat(Serialization.asJson(one)).isEqualTo(Serialization.asJson(other));
  }

  // ---- the pod contract -----------------------------------------------------------------------

  @Test
  void theTrainerGetsEveryVariableOfThePodContract() {
    Container trainer = trainer(mnist());

    assertThat(envNames(trainer))
        .containsExactlyInAnyOrder(
            "KILN_JOB_NAME",
            "KILN_NAMESPACE",
            "KILN_ATTEMPT_FILE",
            "KILN_DATA_DIR",
            "KILN_CHECKPOINT_DIR",
            "KILN_MODEL_DIR",
            "KILN_HPARAMS_FILE",
            "KILN_HP_LEARNING_RATE",
            "KILN_HP_EPOCHS",
            "KILN_HP_BATCH_SIZE",
            "KILN_REPORT_URL",
            "KILN_REPORT_TOKEN_FILE");
    assertThat(env(trainer, "KILN_JOB_NAME").getValue()).isEqualTo("mnist");
    assertThat(env(trainer, "KILN_NAMESPACE").getValue()).isEqualTo(NAMESPACE);
    assertThat(env(trainer, "KILN_DATA_DIR").getValue()).isEqualTo("/kiln/data");
    assertThat(env(trainer, "KILN_CHECKPOINT_DIR").getValue()).isEqualTo("/kiln/checkpoints");
    assertThat(env(trainer, "KILN_MODEL_DIR").getValue()).isEqualTo("/kiln/model");
    assertThat(env(trainer, "KILN_HPARAMS_FILE").getValue())
        .isEqualTo("/etc/kiln/meta/hyperparameters.json");
    assertThat(env(trainer, "KILN_HP_LEARNING_RATE").getValue()).isEqualTo("0.01");
    assertThat(env(trainer, "KILN_HP_EPOCHS").getValue()).isEqualTo("5");
    assertThat(env(trainer, "KILN_HP_BATCH_SIZE").getValue()).isEqualTo("64");
    assertThat(env(trainer, "KILN_REPORT_TOKEN_FILE").getValue())
        .isEqualTo("/var/run/kiln/report/token");
  }

  @Test
  void theReportUrlIsTheConfiguredEndpointPlusThePerJobPath() {
    // The configured URL ends in a slash; the path must not double it.
    assertThat(env(trainer(mnist()), "KILN_REPORT_URL").getValue())
        .isEqualTo(
            "https://kiln-operator.kiln-system.svc:8081/v1/namespaces/ml-team/trainingjobs/mnist/report");
  }

  @Test
  void theAttemptIsCountedOnTheWorkspaceByTheFirstStepOfThePod() {
    PodSpec pod = pod(mnist());
    Container attempt = pod.getInitContainers().get(0);
    Container trainer = container(pod, "trainer");

    assertThat(attempt.getName()).isEqualTo(TrainingBatchJobBuilder.ATTEMPT);
    assertThat(attempt.getImage()).isEqualTo(LOADER_IMAGE);
    assertThat(attempt.getArgs())
        .containsExactly("attempt", "/kiln/attempts/" + UID, "/var/run/kiln/attempt/attempt");
    VolumeMount ledger = mountAt(attempt, "/kiln/attempts");
    assertThat(ledger.getName())
        .as("the ledger is on the workspace, which outlives every pod")
        .isEqualTo(mountAt(trainer, "/kiln/checkpoints").getName());
    assertThat(ledger.getSubPath()).isEqualTo("attempts");
    VolumeMount written = mountAt(attempt, "/var/run/kiln/attempt");
    VolumeMount read = mountAt(trainer, "/var/run/kiln/attempt");
    assertThat(read.getName()).isEqualTo(written.getName());
    assertThat(read.getReadOnly()).isTrue();
    assertThat(volume(pod, written.getName()).getEmptyDir()).isNotNull();
    assertThat(env(trainer, "KILN_ATTEMPT_FILE").getValue())
        .isEqualTo("/var/run/kiln/attempt/attempt");
    assertThat(attempt.getEnv()).as("one worker: index 0").isEmpty();
  }

  @Test
  void eachWorkerCountsItsOwnAttempts() {
    Container attempt = pod(distributed(3)).getInitContainers().get(0);

    assertThat(env(attempt, "KILN_WORKER_INDEX").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.annotations['batch.kubernetes.io/job-completion-index']");
  }

  @Test
  void aSingleWorkerGetsNoDistributedVariables() {
    assertThat(envNames(trainer(mnist())))
        .doesNotContain("KILN_WORKERS", "KILN_WORKER_INDEX", "KILN_COORDINATOR_ADDR");
  }

  @Test
  void eachOfSeveralWorkersGetsTheWorkerCountItsIndexAndTheCoordinator() {
    Container trainer = trainer(distributed(4));

    assertThat(env(trainer, "KILN_WORKERS").getValue()).isEqualTo("4");
    EnvVar index = env(trainer, "KILN_WORKER_INDEX");
    assertThat(index.getValue()).isNull();
    assertThat(index.getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.annotations['batch.kubernetes.io/job-completion-index']");
    // Worker 0's host name in the Indexed Job, under the headless workers Service.
    assertThat(env(trainer, "KILN_COORDINATOR_ADDR").getValue())
        .isEqualTo("ddp-1-0.ddp-workers.ml-team.svc:29500");
  }

  @Test
  void userEnvironmentComesAfterKilnsAndNoKilnVariableAppearsTwice() {
    TrainingJob tj =
        trainingJob(
            "mnist",
            spec -> {
              spec.setHyperparameters(HYPERPARAMETERS);
              spec.setWorkers(2);
              spec.setEnv(
                  List.of(
                      new EnvVar("WANDB_MODE", "offline", null),
                      new EnvVar("OMP_NUM_THREADS", "4", null)));
            });

    List<String> names = envNames(trainer(tj));

    assertThat(names).endsWith("WANDB_MODE", "OMP_NUM_THREADS");
    assertThat(names.subList(0, names.size() - 2))
        .allMatch(n -> n.startsWith("KILN_") || DistributedEnvironment.NAMES.contains(n));
    assertThat(names).doesNotHaveDuplicates();
    assertThat(env(trainer(tj), "WANDB_MODE").getValue()).isEqualTo("offline");
  }

  // ---- volumes --------------------------------------------------------------------------------

  @Test
  void theTrainerMountsTheWorkspaceDirectoriesWhereTheContractSaysTheyAre() {
    TrainingJob tj = mnist();
    PodSpec pod = pod(tj);
    Container trainer = container(pod, "trainer");

    for (String[] dir :
        List.of(
            new String[] {"KILN_DATA_DIR", "data"},
            new String[] {"KILN_CHECKPOINT_DIR", "checkpoints"},
            new String[] {"KILN_MODEL_DIR", "model"})) {
      VolumeMount mount = mountAt(trainer, env(trainer, dir[0]).getValue());
      assertThat(mount.getSubPath()).as(dir[0]).isEqualTo(dir[1]);
      assertThat(mount.getReadOnly()).as(dir[0]).isNotEqualTo(true);
      Volume workspace = volume(pod, mount.getName());
      assertThat(workspace.getPersistentVolumeClaim().getClaimName())
          .as(dir[0])
          .isEqualTo("mnist-workspace");
      assertThat(workspace.getPersistentVolumeClaim().getReadOnly()).isNotEqualTo(true);
    }
  }

  @Test
  void theReportTokenIsMountedReadOnlyFromTheJobsSecretWhereTheContractSays() {
    PodSpec pod = pod(mnist());
    Container trainer = container(pod, "trainer");
    String tokenFile = env(trainer, "KILN_REPORT_TOKEN_FILE").getValue();
    String dir = tokenFile.substring(0, tokenFile.lastIndexOf('/'));
    String key = tokenFile.substring(tokenFile.lastIndexOf('/') + 1);

    VolumeMount mount = mountAt(trainer, dir);

    assertThat(mount.getReadOnly()).isTrue();
    assertThat(mount.getSubPath()).isNull();
    assertThat(volume(pod, mount.getName()).getSecret().getSecretName())
        .isEqualTo("mnist-report-token-" + UID);
    assertThat(key).isEqualTo(RunInputsBuilder.REPORT_TOKEN_KEY);
  }

  @Test
  void theTrainerHasAWritableTmpAndAReadOnlyMetaDirectory() {
    PodSpec pod = pod(mnist());
    Container trainer = container(pod, "trainer");

    VolumeMount tmp = mountAt(trainer, "/tmp");
    assertThat(tmp.getReadOnly()).isNotEqualTo(true);
    assertThat(volume(pod, tmp.getName()).getEmptyDir()).isNotNull();

    VolumeMount meta = mountAt(trainer, "/etc/kiln/meta");
    assertThat(meta.getReadOnly()).isTrue();
    assertThat(volume(pod, meta.getName()).getDownwardAPI()).isNotNull();
  }

  // ---- hyperparameters file -------------------------------------------------------------------

  @Test
  void theHyperparametersFileIsTheAnnotationJsonProjectedByTheDownwardApi() throws Exception {
    Map<String, String> hp = Map.of("lr", "1e-3", "note", "it's \"quoted\"", "epochs", "5");
    TrainingJob tj = trainingJob("hp", spec -> spec.setHyperparameters(hp));
    Job job = build(tj);
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    Container trainer = container(pod, "trainer");

    String annotation =
        job.getSpec().getTemplate().getMetadata().getAnnotations().get("kiln.dev/hyperparameters");
    assertThat(
            new ObjectMapper().readValue(annotation, new TypeReference<Map<String, String>>() {}))
        .isEqualTo(hp);

    // $KILN_HPARAMS_FILE is <meta mount>/<downward API item>, and the item is that annotation.
    String file = env(trainer, "KILN_HPARAMS_FILE").getValue();
    VolumeMount meta = mountAt(trainer, file.substring(0, file.lastIndexOf('/')));
    var items = volume(pod, meta.getName()).getDownwardAPI().getItems();
    assertThat(items)
        .singleElement()
        .satisfies(
            item -> {
              assertThat(item.getPath()).isEqualTo(file.substring(file.lastIndexOf('/') + 1));
              assertThat(item.getFieldRef().getFieldPath())
                  .isEqualTo("metadata.annotations['kiln.dev/hyperparameters']");
            });
  }

  @Test
  void withoutHyperparametersTheFileIsAnEmptyJsonObject() {
    Job job = build(trainingJob("nohp"));

    assertThat(job.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("kiln.dev/hyperparameters", "{}");
    assertThat(envNames(container(job.getSpec().getTemplate().getSpec(), "trainer")))
        .noneMatch(n -> n.startsWith("KILN_HP_"));
  }

  // ---- resources and scheduling ---------------------------------------------------------------

  @Test
  void gpuResourcesReachTheTrainerUnchangedAndNotTheLoader() {
    ResourceRequirements resources =
        new ResourceRequirementsBuilder()
            .withRequests(Map.of("cpu", new Quantity("4"), "memory", new Quantity("16Gi")))
            .withLimits(Map.of("nvidia.com/gpu", new Quantity("2"), "memory", new Quantity("16Gi")))
            .build();
    TrainingJob tj =
        trainingJob(
            "gpu",
            spec -> {
              spec.setResources(resources);
              spec.setDataset(new Dataset("s3://datasets/mnist", null));
            });
    PodSpec pod = pod(tj);

    assertThat(container(pod, "trainer").getResources()).isEqualTo(resources);
    assertThat(container(pod, "trainer").getResources().getLimits())
        .containsEntry("nvidia.com/gpu", new Quantity("2"));
    assertThat(container(pod, TrainingBatchJobBuilder.LOADER).getResources().getLimits())
        .doesNotContainKey("nvidia.com/gpu");
  }

  @Test
  void schedulingSettingsArePassedThrough() {
    List<Toleration> tolerations =
        List.of(
            new TolerationBuilder()
                .withKey("nvidia.com/gpu")
                .withOperator("Exists")
                .withEffect("NoSchedule")
                .build());
    Affinity affinity =
        new AffinityBuilder()
            .withNewNodeAffinity()
            .withNewRequiredDuringSchedulingIgnoredDuringExecution()
            .addNewNodeSelectorTerm()
            .addNewMatchExpression()
            .withKey("topology.kubernetes.io/zone")
            .withOperator("In")
            .withValues("eu-west-1a")
            .endMatchExpression()
            .endNodeSelectorTerm()
            .endRequiredDuringSchedulingIgnoredDuringExecution()
            .endNodeAffinity()
            .build();
    TrainingJob tj =
        trainingJob(
            "sched",
            spec -> {
              spec.setTolerations(tolerations);
              spec.setNodeSelector(Map.of("accelerator", "a100"));
              spec.setAffinity(affinity);
              spec.setPriorityClassName("training-high");
              spec.setImagePullSecrets(List.of(new LocalObjectReference("regcred")));
              spec.setServiceAccountName("trainer-sa");
            });

    PodSpec pod = pod(tj);

    assertThat(pod.getTolerations()).isEqualTo(tolerations);
    assertThat(pod.getNodeSelector()).isEqualTo(Map.of("accelerator", "a100"));
    assertThat(pod.getAffinity()).isEqualTo(affinity);
    assertThat(pod.getPriorityClassName()).isEqualTo("training-high");
    assertThat(pod.getImagePullSecrets()).containsExactly(new LocalObjectReference("regcred"));
    assertThat(pod.getServiceAccountName()).isEqualTo("trainer-sa");
    assertThat(pod.getAutomountServiceAccountToken())
        .as("a chosen account keeps its token")
        .isNotEqualTo(false);
  }

  @Test
  void withoutAServiceAccountThePodGetsNoApiToken() {
    PodSpec pod = pod(mnist());

    assertThat(pod.getServiceAccountName()).isNull();
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
  }

  // ---- retries, deadlines, suspension ---------------------------------------------------------

  @Test
  void backoffLimitDefaultsToTheConfiguredValue() {
    assertThat(build(mnist()).getSpec().getBackoffLimit()).isEqualTo(7);
  }

  @Test
  void anExplicitBackoffLimitWinsEvenWhenZero() {
    assertThat(build(trainingJob("b", spec -> spec.setBackoffLimit(2))).getSpec().getBackoffLimit())
        .isEqualTo(2);
    assertThat(build(trainingJob("b", spec -> spec.setBackoffLimit(0))).getSpec().getBackoffLimit())
        .isEqualTo(0);
  }

  @Test
  void activeDeadlineSecondsIsPassedThroughAndAbsentByDefault() {
    assertThat(
            build(trainingJob("d", spec -> spec.setActiveDeadlineSeconds(3600L)))
                .getSpec()
                .getActiveDeadlineSeconds())
        .isEqualTo(3600L);
    assertThat(build(mnist()).getSpec().getActiveDeadlineSeconds()).isNull();
  }

  @Test
  void aJobStartsRunningByDefault() {
    assertThat(build(mnist()).getSpec().getSuspend()).isFalse();
  }

  @Test
  void aSuspendedTrainingJobGivesASuspendedJob() {
    assertThat(build(trainingJob("s", spec -> spec.setSuspend(true))).getSpec().getSuspend())
        .isTrue();
  }

  @Test
  void aKueueQueueLabelSuspendsTheJobAndIsCopiedOntoIt() {
    TrainingJob tj = trainingJob("queued", spec -> spec.setSuspend(false));
    tj.getMetadata()
        .setLabels(
            Map.of(
                "kueue.x-k8s.io/queue-name", "team-a",
                "kueue.x-k8s.io/priority-class", "high"));

    Job job = build(tj);

    assertThat(job.getSpec().getSuspend()).isTrue();
    assertThat(job.getMetadata().getLabels())
        .containsEntry("kueue.x-k8s.io/queue-name", "team-a")
        .containsEntry("kueue.x-k8s.io/priority-class", "high")
        .containsEntry("kiln.dev/trainingjob", "queued");
  }

  // ---- distributed ----------------------------------------------------------------------------

  @Test
  void severalWorkersRunAsAnIndexedJobUnderTheWorkersService() {
    TrainingJob tj = distributed(4);
    Job job = build(tj);

    assertThat(job.getSpec().getCompletionMode()).isEqualTo("Indexed");
    assertThat(job.getSpec().getCompletions()).isEqualTo(4);
    assertThat(job.getSpec().getParallelism()).isEqualTo(4);
    assertThat(job.getSpec().getTemplate().getSpec().getSubdomain())
        .isEqualTo("ddp-workers")
        .isEqualTo(WorkerServiceBuilder.build(tj).orElseThrow().getMetadata().getName());
  }

  @Test
  void oneWorkerRunsAsAPlainJobOfOnePod() {
    Job job = build(mnist());

    assertThat(job.getSpec().getCompletionMode()).isEqualTo("NonIndexed");
    assertThat(job.getSpec().getCompletions()).isEqualTo(1);
    assertThat(job.getSpec().getParallelism()).isEqualTo(1);
    assertThat(job.getSpec().getTemplate().getSpec().getSubdomain()).isNull();
  }

  // ---- dataset loader and prepare step --------------------------------------------------------

  @Test
  void withoutADatasetOrPrepareStepTheAttemptStepIsTheOnlyInitContainer() {
    assertThat(pod(mnist()).getInitContainers())
        .extracting(Container::getName)
        .containsExactly("attempt");
  }

  @Test
  void theLoaderDownloadsTheSourceIntoTheTrainersDataDirectory() {
    TrainingJob tj =
        trainingJob("load", spec -> spec.setDataset(new Dataset("s3://datasets/mnist/v2", null)));
    PodSpec pod = pod(tj);
    Container loader = container(pod, TrainingBatchJobBuilder.LOADER);
    Container trainer = container(pod, "trainer");

    assertThat(pod.getInitContainers())
        .extracting(Container::getName)
        .containsExactly("attempt", "fetch-dataset");
    assertThat(loader.getImage()).isEqualTo(LOADER_IMAGE);
    assertThat(loader.getArgs())
        .containsExactly("download", "s3://datasets/mnist/v2", "/kiln/data");
    VolumeMount loaderData = mountAt(loader, "/kiln/data");
    VolumeMount trainerData = mountAt(trainer, env(trainer, "KILN_DATA_DIR").getValue());
    assertThat(loaderData.getName()).isEqualTo(trainerData.getName());
    assertThat(loaderData.getSubPath()).isEqualTo(trainerData.getSubPath());
    assertThat(loaderData.getReadOnly()).isNotEqualTo(true);
    assertThat(loader.getEnvFrom()).isEmpty();
  }

  @Test
  void datasetCredentialsReachOnlyTheLoader() {
    TrainingJob tj =
        trainingJob(
            "creds",
            spec -> {
              spec.setDataset(new Dataset("s3://datasets/mnist", "s3-creds"));
              spec.setPrepare(new PrepareStep("registry.example/ml/etl:2", null, null));
              spec.setEnvFrom(
                  List.of(
                      new EnvFromSourceBuilder()
                          .withNewConfigMapRef("trainer-cfg", false)
                          .build()));
            });
    Job job = build(tj);
    PodSpec pod = job.getSpec().getTemplate().getSpec();

    assertThat(container(pod, TrainingBatchJobBuilder.LOADER).getEnvFrom())
        .singleElement()
        .satisfies(
            from -> {
              assertThat(from.getSecretRef().getName()).isEqualTo("s3-creds");
              assertThat(from.getConfigMapRef()).isNull();
            });
    assertThat(container(pod, "trainer").getEnvFrom())
        .extracting(EnvFromSource::getSecretRef)
        .containsOnlyNulls();
    for (Object other :
        List.of(
            container(pod, "trainer"),
            container(pod, TrainingBatchJobBuilder.PREPARE),
            pod.getVolumes())) {
      assertThat(Serialization.asJson(other)).doesNotContain("s3-creds");
    }
  }

  @Test
  void aPvcSourceClaimIsMountedReadOnlyIntoTheLoaderOnly() {
    TrainingJob tj =
        trainingJob(
            "pvc", spec -> spec.setDataset(new Dataset("pvc://raw-data/mnist/train", null)));
    PodSpec pod = pod(tj);
    Container loader = container(pod, TrainingBatchJobBuilder.LOADER);

    VolumeMount source = mountAt(loader, "/mnt/pvc/raw-data");
    assertThat(source.getReadOnly()).isTrue();
    Volume volume = volume(pod, source.getName());
    assertThat(volume.getPersistentVolumeClaim().getClaimName()).isEqualTo("raw-data");
    assertThat(volume.getPersistentVolumeClaim().getReadOnly()).isTrue();
    assertThat(loader.getArgs())
        .containsExactly("download", "pvc://raw-data/mnist/train", "/kiln/data");
    assertThat(container(pod, "trainer").getVolumeMounts())
        .extracting(VolumeMount::getName)
        .doesNotContain(source.getName());
  }

  @Test
  void aPvcSourceWithoutAPathStillMountsItsClaim() {
    PodSpec pod =
        pod(trainingJob("pvc", spec -> spec.setDataset(new Dataset("pvc://raw-data", null))));

    VolumeMount source =
        mountAt(container(pod, TrainingBatchJobBuilder.LOADER), "/mnt/pvc/raw-data");
    assertThat(volume(pod, source.getName()).getPersistentVolumeClaim().getClaimName())
        .isEqualTo("raw-data");
  }

  @Test
  void anS3SourceMountsNoClaimButTheWorkspace() {
    PodSpec pod = pod(trainingJob("s3", spec -> spec.setDataset(new Dataset("s3://b/k", null))));

    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getPersistentVolumeClaim() != null)
        .extracting(v -> v.getPersistentVolumeClaim().getClaimName())
        .containsExactly("s3-workspace");
  }

  @Test
  void thePrepareStepRunsAfterTheLoaderOnTheSameData() {
    TrainingJob tj =
        trainingJob(
            "etl",
            spec -> {
              spec.setDataset(new Dataset("s3://datasets/raw", null));
              spec.setPrepare(
                  new PrepareStep(
                      "registry.example/ml/etl:2",
                      List.of("python", "prep.py"),
                      List.of("--shards", "8")));
            });
    PodSpec pod = pod(tj);

    assertThat(pod.getInitContainers())
        .extracting(Container::getName)
        .containsExactly("attempt", "fetch-dataset", "prepare");
    Container prepare = container(pod, TrainingBatchJobBuilder.PREPARE);
    assertThat(prepare.getImage()).isEqualTo("registry.example/ml/etl:2");
    assertThat(prepare.getCommand()).containsExactly("python", "prep.py");
    assertThat(prepare.getArgs()).containsExactly("--shards", "8");
    VolumeMount data = mountAt(prepare, "/kiln/data");
    VolumeMount loaderData = mountAt(container(pod, TrainingBatchJobBuilder.LOADER), "/kiln/data");
    assertThat(data.getName()).isEqualTo(loaderData.getName());
    assertThat(data.getSubPath()).isEqualTo(loaderData.getSubPath());
  }

  @Test
  void aPrepareStepWithoutADatasetRunsAlone() {
    PodSpec pod =
        pod(trainingJob("etl", spec -> spec.setPrepare(new PrepareStep("etl:1", null, null))));

    assertThat(pod.getInitContainers())
        .extracting(Container::getName)
        .containsExactly("attempt", "prepare");
  }

  @Test
  void everyContainerFallsBackToItsLogsForTheTerminationMessage() {
    assertThat(allContainers(pod(everything())))
        .hasSize(4)
        .allSatisfy(
            c ->
                assertThat(c.getTerminationMessagePolicy())
                    .as(c.getName())
                    .isEqualTo("FallbackToLogsOnError"));
  }

  @Test
  void everyContainerMountsOnlyVolumesThePodDefines() {
    PodSpec pod = pod(everything());
    List<String> volumes = pod.getVolumes().stream().map(Volume::getName).toList();

    assertThat(allContainers(pod).stream().flatMap(c -> c.getVolumeMounts().stream()))
        .extracting(VolumeMount::getName)
        .allMatch(volumes::contains);
    assertThat(volumes).doesNotHaveDuplicates();
  }
}
