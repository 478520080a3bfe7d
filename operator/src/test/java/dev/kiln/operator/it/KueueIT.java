package dev.kiln.operator.it;

import static dev.kiln.operator.it.KilnTestCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.operator.KilnOperator;
import dev.kiln.operator.support.KubeletRefusals;
import dev.kiln.testkit.api.RequestLog;
import dev.kiln.testkit.workload.InspectResults;
import dev.kiln.testkit.workload.JobStatuses;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Kiln under Kueue as Kueue really behaves, the test playing Kueue and the Job controller. Kueue
 * (its jobframework reconciler) admits a Job by setting its spec.suspend to false, preempts it by
 * setting it to true, and resumes any admitted Job that someone else suspends; a Job is held back
 * only through its Workload's spec.active. So Kiln creates the Job suspended and never writes the
 * Job's spec.suspend again: the run is Queued while Kueue holds the Job and Running once admitted,
 * and spec.suspend (the user's pause) goes through the Workload.
 */
class KueueIT {
  private static final String QUEUE_LABEL = "kueue.x-k8s.io/queue-name";
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final ResourceDefinitionContext WORKLOADS =
      new ResourceDefinitionContext.Builder()
          .withGroup("kueue.x-k8s.io")
          .withVersion("v1beta2")
          .withKind("Workload")
          .withPlural("workloads")
          .withNamespaced(true)
          .build();

  static {
    // Status fields are read while the operator may not have written them yet: an exception
    // there means "not yet", like a failed assertion, until the wait times out.
    org.awaitility.Awaitility.ignoreExceptionsByDefault();
  }

  private KilnTestCluster cluster;
  private KilnOperator operator;
  private final RequestLog requests = new RequestLog();
  private final AdvancingClock clock = new AdvancingClock();

  @BeforeEach
  void start() {
    cluster = new KilnTestCluster();
    installWorkloadCrd();
    operator =
        KilnOperator.start(
            cluster.operatorClient(requests), KilnTestCluster.config(Map.of()), clock);
  }

  @AfterEach
  void stop() {
    operator.close();
    cluster.close();
  }

  @Test
  void kueueAdmitsPreemptsAndReadmitsAndKilnNeverSuspendsTheJobAgain() {
    cluster.client().resource(queued("forecast")).create();

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Job job = job("forecast-1");
              assertThat(job.getSpec().getSuspend()).as("created for Kueue to admit").isTrue();
              assertThat(job.getMetadata().getLabels()).containsEntry(QUEUE_LABEL, "team-a");
              assertThat(cluster.phase("forecast")).isEqualTo(TrainingJobPhase.Queued);
              assertThat(condition("forecast", "Suspended").getReason()).isEqualTo("Queued");
            });
    createWorkload("forecast-1");
    // An hour in the queue, far past the startup deadline (600 s), which counts from admission.
    clock.advance(Duration.ofHours(1));
    trigger("forecast", 600L);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(WAIT)
        .until(() -> cluster.phase("forecast") == TrainingJobPhase.Queued);

    // Kueue admits: spec.suspend=false, before the Job controller has started anything.
    setSuspend("forecast-1", false);
    trigger("forecast", 3600L);
    await()
        .during(Duration.ofSeconds(3))
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(job("forecast-1").getSpec().getSuspend()).as("left admitted").isFalse();
              assertThat(cluster.phase("forecast")).isEqualTo(TrainingJobPhase.Pending);
            });
    cluster.jobActive("forecast-1");
    cluster.pod("forecast", "forecast-1-a", KilnTestCluster.running());
    trigger("forecast", 7200L);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(job("forecast-1").getSpec().getSuspend()).isFalse();
              assertThat(cluster.phase("forecast")).isEqualTo(TrainingJobPhase.Running);
            });

    // Kueue preempts: it suspends the Job, whose controller stops the pod.
    setSuspend("forecast-1", true);
    cluster.client().pods().inNamespace(NS).withName("forecast-1-a").delete();
    jobSuspendedByController("forecast-1");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(cluster.phase("forecast")).isEqualTo(TrainingJobPhase.Queued));

    // Kueue admits it again; it runs and finishes.
    setSuspend("forecast-1", false);
    cluster.jobStatus("forecast-1", j -> JobStatuses.active(j.getStatus(), KilnTestCluster.now()));
    cluster.pod("forecast", "forecast-1-b", KilnTestCluster.running());
    await()
        .during(Duration.ofSeconds(2))
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(job("forecast-1").getSpec().getSuspend()).isFalse();
              assertThat(cluster.phase("forecast")).isEqualTo(TrainingJobPhase.Running);
            });
    String sha = InspectResults.sha256Of("forecast");
    cluster
        .client()
        .pods()
        .inNamespace(NS)
        .withName("forecast-1-b")
        .editStatus(
            p -> {
              p.getStatus()
                  .setContainerStatuses(
                      List.of(KilnTestCluster.terminated(0, "Completed", "{\"metrics\":{}}")));
              return p;
            });
    cluster.jobFinished("forecast-1", "Complete", "CompletionsReached", 0, 1);
    cluster.inspected("forecast", InspectResults.artifact("model.onnx", sha, 2048, "onnx"));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(cluster.phase("forecast")).isEqualTo(TrainingJobPhase.Succeeded));

    assertThat(jobWrites("forecast-1"))
        .as("Kiln never writes Kueue's Job after creating it")
        .isEmpty();
    assertThat(workload("forecast-1").get("spec"))
        .as("nothing held the Workload back")
        .isEqualTo(Map.of("queueName", "team-a"));
    // Queued, admitted, preempted, admitted again. (Events are best effort: a transition seen by
    // two reconciles at once may be recorded twice, so these are lower bounds.)
    Map<String, Long> events =
        cluster.events("forecast").stream()
            .collect(Collectors.groupingBy(e -> e.getReason(), Collectors.counting()));
    assertThat(events.get("Queued")).as("Queued events").isGreaterThanOrEqualTo(2);
    assertThat(events.get("Running")).as("Running events").isGreaterThanOrEqualTo(2);
    assertThat(events).containsKey("Succeeded");
  }

  @Test
  void aRunCreatedPausedStaysOutOfTheQueueUntilResumedThenKueueAdmitsIt() {
    TrainingJob tj = queued("later");
    tj.getSpec().setSuspend(true);
    cluster.client().resource(tj).create();

    await()
        .during(Duration.ofSeconds(2))
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(cluster.phase("later")).isEqualTo(TrainingJobPhase.Suspended);
              assertThat(condition("later", "Suspended").getReason()).isEqualTo("SuspendedBySpec");
              assertThat(cluster.jobs())
                  .extracting(j -> j.getMetadata().getName())
                  .as("no Job for Kueue to admit")
                  .isEmpty();
            });

    pause("later", false);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(job("later-1").getSpec().getSuspend()).isTrue();
              assertThat(cluster.phase("later")).isEqualTo(TrainingJobPhase.Queued);
            });
    setSuspend("later-1", false);
    cluster.jobActive("later-1");
    cluster.pod("later", "later-1-a", KilnTestCluster.running());
    await()
        .during(Duration.ofSeconds(2))
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(job("later-1").getSpec().getSuspend()).isFalse();
              assertThat(cluster.phase("later")).isEqualTo(TrainingJobPhase.Running);
            });
    assertThat(jobWrites("later-1")).isEmpty();
  }

  @Test
  void pausingAnAdmittedRunDeactivatesItsWorkloadAndResumingPutsItBackInTheQueue() {
    queuedThenAdmitted("paused");
    cluster.pod("paused", "paused-1-a", KilnTestCluster.running());
    await().atMost(WAIT).until(() -> cluster.phase("paused") == TrainingJobPhase.Running);

    pause("paused", true);
    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(spec(workload("paused-1"))).containsEntry("active", false));
    assertThat(job("paused-1").getSpec().getSuspend())
        .as("Kueue, not Kiln, suspends the Job")
        .isFalse();
    // Kueue evicts the deactivated Workload: it suspends the Job.
    setSuspend("paused-1", true);
    cluster.client().pods().inNamespace(NS).withName("paused-1-a").delete();
    jobSuspendedByController("paused-1");
    await()
        .during(Duration.ofSeconds(2))
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(cluster.phase("paused")).isEqualTo(TrainingJobPhase.Suspended);
              assertThat(condition("paused", "Suspended").getReason()).isEqualTo("SuspendedBySpec");
              assertThat(spec(workload("paused-1"))).containsEntry("active", false);
            });

    pause("paused", false);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(spec(workload("paused-1"))).containsEntry("active", true);
              assertThat(cluster.phase("paused")).isEqualTo(TrainingJobPhase.Queued);
            });
    setSuspend("paused-1", false);
    cluster.jobStatus("paused-1", j -> JobStatuses.active(j.getStatus(), KilnTestCluster.now()));
    cluster.pod("paused", "paused-1-b", KilnTestCluster.running());
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(cluster.phase("paused")).isEqualTo(TrainingJobPhase.Running));
    assertThat(jobWrites("paused-1")).isEmpty();
  }

  @Test
  void aRunKilnFailsIsStoppedThroughItsWorkloadNotBySuspendingTheJob() {
    queuedThenAdmitted("rooty");
    cluster.pod(
        "rooty", "rooty-1-a", KubeletRefusals.refused("trainer", KubeletRefusals.RUNS_AS_ROOT));

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(cluster.phase("rooty")).isEqualTo(TrainingJobPhase.Failed);
              assertThat(spec(workload("rooty-1"))).containsEntry("active", false);
            });
    // Kueue evicts it; the failed run stays failed and its Job stays stopped.
    setSuspend("rooty-1", true);
    jobSuspendedByController("rooty-1");
    await()
        .during(Duration.ofSeconds(2))
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(cluster.phase("rooty")).isEqualTo(TrainingJobPhase.Failed);
              assertThat(job("rooty-1").getSpec().getSuspend()).isTrue();
            });
    assertThat(jobWrites("rooty-1")).isEmpty();
  }

  // ---- the user ------------------------------------------------------------------------------

  private static TrainingJob queued(String name) {
    TrainingJob tj = TrainingJobs.basic(name);
    tj.getMetadata().setLabels(Map.of(QUEUE_LABEL, "team-a"));
    return tj;
  }

  /** The user's spec.suspend, as a merge patch: no conflict with the operator's status writes. */
  private void pause(String name, boolean suspend) {
    patchSpec(name, "{\"suspend\":" + suspend + "}");
  }

  /** A spec change Kiln must reconcile (the TTL may change after the start), not a pause. */
  private void trigger(String name, long ttlSeconds) {
    patchSpec(name, "{\"ttlSecondsAfterFinished\":" + ttlSeconds + "}");
  }

  private void patchSpec(String name, String spec) {
    cluster
        .client()
        .resources(TrainingJob.class)
        .inNamespace(NS)
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":" + spec + "}");
  }

  // ---- Kueue and the Job controller ----------------------------------------------------------

  /** What Kueue's jobframework does to admit (false) or preempt and evict (true) a Job. */
  private void setSuspend(String jobName, boolean suspend) {
    cluster
        .client()
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .withName(jobName)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"suspend\":" + suspend + "}}");
  }

  /** The Job controller on a suspended Job: no active pod, start time reset, Suspended. */
  private void jobSuspendedByController(String jobName) {
    cluster.jobStatus(
        jobName,
        j -> {
          j.getStatus().setActive(0);
          j.getStatus().setStartTime(null);
          j.getStatus()
              .setConditions(
                  List.of(
                      JobStatuses.condition(
                          "Suspended",
                          true,
                          "JobSuspended",
                          "Job suspended",
                          KilnTestCluster.now())));
        });
  }

  /** The Workload Kueue makes for a Job: owned by it and labelled with its UID. */
  /** A queued run whose Workload Kueue admits: its Job unsuspended and active. */
  private void queuedThenAdmitted(String name) {
    cluster.client().resource(queued(name)).create();
    await().atMost(WAIT).until(() -> cluster.phase(name) == TrainingJobPhase.Queued);
    createWorkload(name + "-1");
    setSuspend(name + "-1", false);
    cluster.jobActive(name + "-1");
  }

  private void createWorkload(String jobName) {
    Job job = job(jobName);
    GenericKubernetesResource workload =
        new GenericKubernetesResourceBuilder()
            .withApiVersion("kueue.x-k8s.io/v1beta2")
            .withKind("Workload")
            .withNewMetadata()
            .withName("job-" + jobName + "-0a1b2")
            .withNamespace(NS)
            .withLabels(Map.of("kueue.x-k8s.io/job-uid", job.getMetadata().getUid()))
            .withOwnerReferences(KilnTestCluster.controller(job))
            .endMetadata()
            .withAdditionalProperties(Map.of("spec", Map.of("queueName", "team-a")))
            .build();
    cluster
        .client()
        .genericKubernetesResources(WORKLOADS)
        .inNamespace(NS)
        .resource(workload)
        .create();
  }

  private Map<String, Object> workload(String jobName) {
    return cluster
        .client()
        .genericKubernetesResources(WORKLOADS)
        .inNamespace(NS)
        .withName("job-" + jobName + "-0a1b2")
        .get()
        .getAdditionalProperties();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(Map<String, Object> workload) {
    return (Map<String, Object>) workload.get("spec");
  }

  /** Kueue's Workload CRD, as far as the mock needs it: the kind, its plural and scope. */
  private void installWorkloadCrd() {
    cluster
        .client()
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .resource(
            new CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName("workloads.kueue.x-k8s.io")
                .endMetadata()
                .withNewSpec()
                .withGroup("kueue.x-k8s.io")
                .withScope("Namespaced")
                .withNewNames()
                .withKind("Workload")
                .withPlural("workloads")
                .withSingular("workload")
                .endNames()
                .addNewVersion()
                .withName("v1beta2")
                .withServed(true)
                .withStorage(true)
                .withNewSchema()
                .withNewOpenAPIV3Schema()
                .withType("object")
                .withXKubernetesPreserveUnknownFields(true)
                .endOpenAPIV3Schema()
                .endSchema()
                .endVersion()
                .endSpec()
                .build())
        .create();
  }

  /** The operator's clock, which a test moves on to stand for time spent in the queue. */
  private static final class AdvancingClock extends Clock {
    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    void advance(Duration by) {
      offset.updateAndGet(o -> o.plus(by));
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(offset.get());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  // ---- observing -----------------------------------------------------------------------------

  private Job job(String name) {
    return cluster.client().batch().v1().jobs().inNamespace(NS).withName(name).get();
  }

  private Condition condition(String name, String type) {
    return cluster.get(name).getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElseThrow();
  }

  /** The operator's writes to the Job after creating it (creation is a POST to the collection). */
  private List<RequestLog.Request> jobWrites(String jobName) {
    return requests.writes().stream()
        .filter(r -> r.path().equals("/apis/batch/v1/namespaces/" + NS + "/jobs/" + jobName))
        .toList();
  }
}
