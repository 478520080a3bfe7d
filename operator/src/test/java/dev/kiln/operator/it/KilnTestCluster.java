package dev.kiln.operator.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.operator.KilnOperator;
import dev.kiln.operator.OperatorConfig;
import dev.kiln.testkit.api.ApiCalls;
import dev.kiln.testkit.api.FaultyDispatcher;
import dev.kiln.testkit.api.MockApiServer;
import dev.kiln.testkit.api.RequestLog;
import dev.kiln.testkit.api.StoredWrites;
import dev.kiln.testkit.workload.ContainerStates;
import dev.kiln.testkit.workload.JobStatuses;
import dev.kiln.testkit.workload.SimulatedJobController;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The test kit's mock API server with Kiln's CRDs applied and faults injectable, the operator
 * started on it with test settings, and helpers that play the Job controller and the kubelet by
 * writing Job and Pod status, as a real cluster would.
 */
public final class KilnTestCluster implements AutoCloseable {
  public static final String NS = "team-a";
  private static final String TRAINER = "trainer";
  private static final String INSPECT = "inspect-model";

  private final MockApiServer api;
  private final FaultyDispatcher faults;
  private final KubernetesClient client;

  /** Hears of every accepted write, for a simulated Job controller attached later. */
  private volatile StoredWrites.Listener storedWrites = (method, path, object) -> {};

  public KilnTestCluster() {
    FaultyDispatcher[] wrapped = new FaultyDispatcher[1];
    StoredWrites.Listener forward = (method, path, o) -> storedWrites.stored(method, path, o);
    api =
        MockApiServer.builder()
            .around(d -> wrapped[0] = new FaultyDispatcher(new StoredWrites(d, List.of(forward))))
            .kilnCrdsFromClasspath()
            .start();
    faults = wrapped[0];
    client = api.client();
  }

  /**
   * Lets {@code jobs} play the Job controller and the kubelet for the Jobs stored from now on and
   * those already stored.
   */
  public void simulateJobs(SimulatedJobController jobs) {
    jobs.connect(java.net.URI.create(api.url()));
    storedWrites = jobs;
    jobs().forEach(j -> jobs.existing(io.fabric8.kubernetes.client.utils.Serialization.asJson(j)));
  }

  public KubernetesClient client() {
    return client;
  }

  public KubernetesMockServer server() {
    return api.server();
  }

  /** Fault injection between the operator and the API server. */
  public FaultyDispatcher faults() {
    return faults;
  }

  /** Test settings: ephemeral ports, the given extra environment. */
  public static OperatorConfig config(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("KILN_HTTP_PORT", "1");
    env.put("KILN_REPORT_KEY_FILE", "/nonexistent/kiln-key");
    env.put("KILN_RECONCILE_THREADS", "4");
    env.putAll(extra);
    OperatorConfig c = OperatorConfig.fromMap(env);
    // Port 0 asks the OS for a free port; the config parser accepts only real ports.
    return new OperatorConfig(
        c.watchNamespaces(),
        c.loaderImage(),
        c.modelServerImage(),
        0,
        0,
        c.reportUrl(),
        c.reportKeyFile(),
        c.leaderElection(),
        c.leaseName(),
        c.leaseNamespace(),
        c.identity(),
        c.jsonLogs(),
        c.defaultWorkspaceSize(),
        c.defaultStartupDeadline(),
        c.defaultBackoffLimit(),
        c.reportInterval(),
        c.reportRatePerSecond(),
        c.reconcileThreads(),
        c.podIdentity());
  }

  public KilnOperator startOperator(Map<String, String> extra) {
    return startOperator(extra, new RequestLog());
  }

  /**
   * Starts an operator on its own client, whose API requests are recorded in {@code log} and in the
   * suite-wide {@link ApiCalls} (for the RBAC check).
   */
  public KilnOperator startOperator(Map<String, String> extra, RequestLog log) {
    return KilnOperator.start(operatorClient(log), config(extra), Clock.systemUTC());
  }

  public KubernetesClient operatorClient(RequestLog log) {
    return new io.fabric8.kubernetes.client.KubernetesClientBuilder()
        .withConfig(client.getConfiguration())
        .withHttpClientBuilderConsumer(
            b -> {
              b.addOrReplaceInterceptor(
                  "operator-tag",
                  new io.fabric8.kubernetes.client.http.Interceptor() {
                    @Override
                    public void before(
                        io.fabric8.kubernetes.client.http.BasicBuilder builder,
                        io.fabric8.kubernetes.client.http.HttpRequest request,
                        RequestTags tags) {
                      builder.header(FaultyDispatcher.OPERATOR_HEADER, "1");
                    }
                  });
              b.addOrReplaceInterceptor("request-log", log);
              b.addOrReplaceInterceptor("api-calls", ApiCalls.SUITE);
            })
        .build();
  }

  public TrainingJob get(String name) {
    return client.resources(TrainingJob.class).inNamespace(NS).withName(name).get();
  }

  /** The TrainingJob's phase, or null before the operator has written any status. */
  public dev.kiln.api.v1alpha1.TrainingJobPhase phase(String name) {
    TrainingJob tj = get(name);
    return tj == null || tj.getStatus() == null ? null : tj.getStatus().getPhase();
  }

  /**
   * The report token Kiln handed to a TrainingJob's pods, as the pod would read it: from the Secret
   * that the run's Job mounts.
   */
  public String reportToken(String trainingJob) {
    String secretName =
        jobs().stream()
            .filter(j -> j.getMetadata().getName().equals(trainingJob + "-1"))
            .flatMap(j -> j.getSpec().getTemplate().getSpec().getVolumes().stream())
            .filter(v -> "report-token".equals(v.getName()))
            .map(v -> v.getSecret().getSecretName())
            .findFirst()
            .orElseThrow();
    io.fabric8.kubernetes.api.model.Secret secret =
        client.secrets().inNamespace(NS).withName(secretName).get();
    if (secret.getStringData() != null && secret.getStringData().containsKey("token")) {
      return secret.getStringData().get("token");
    }
    return new String(
        java.util.Base64.getDecoder().decode(secret.getData().get("token")),
        java.nio.charset.StandardCharsets.UTF_8);
  }

  public List<Job> jobs() {
    return client.batch().v1().jobs().inNamespace(NS).list().getItems();
  }

  public List<Event> events(String involvedName) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> involvedName.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  /** The Job controller: updates a Job's status. */
  public void jobStatus(String jobName, Consumer<Job> change) {
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .withName(jobName)
        .editStatus(
            j -> {
              if (j.getStatus() == null) {
                j.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatus());
              }
              change.accept(j);
              return j;
            });
  }

  public void jobActive(String jobName) {
    jobStatus(jobName, j -> JobStatuses.active(j.getStatus(), now()));
  }

  public void jobFinished(String jobName, String type, String reason, int failed, int succeeded) {
    jobStatus(
        jobName, j -> JobStatuses.finished(j.getStatus(), type, reason, failed, succeeded, now()));
  }

  /** The kubelet: a pod of the Job (its controller owner) with the given trainer status. */
  public Pod pod(String trainingJob, String podName, ContainerStatus trainer) {
    return pod(trainingJob, podName, trainer, true);
  }

  /**
   * A pod with the labels and spec of the run's pods; {@code owned}: created by the Job (its
   * controller owner), else by someone else (a look-alike without an owner).
   */
  public Pod pod(String trainingJob, String podName, ContainerStatus trainer, boolean owned) {
    Job job =
        jobs().stream()
            .filter(j -> j.getMetadata().getName().equals(trainingJob + "-1"))
            .findFirst()
            .orElseThrow();
    return podOf(job, podName, owned, ContainerStates.pod(trainer));
  }

  /**
   * A pod made from {@code job}'s template with {@code status}; {@code owned}: with the Job as its
   * controller owner, else a look-alike without an owner.
   */
  private Pod podOf(Job job, String podName, boolean owned, PodStatus status) {
    Pod pod =
        client
            .pods()
            .inNamespace(NS)
            .resource(
                new PodBuilder()
                    .withNewMetadata()
                    .withName(podName)
                    .withNamespace(NS)
                    .withLabels(job.getSpec().getTemplate().getMetadata().getLabels())
                    .withOwnerReferences(owned ? List.of(controller(job)) : List.of())
                    .withCreationTimestamp(now())
                    .endMetadata()
                    .withSpec(job.getSpec().getTemplate().getSpec())
                    .build())
            .create();
    return client
        .pods()
        .inNamespace(NS)
        .withName(pod.getMetadata().getName())
        .editStatus(
            p -> {
              p.setStatus(status);
              return p;
            });
  }

  /**
   * The Job controller and the kubelet for the run's inspect Job, once Kiln created it: its pod's
   * {@code inspect-model} container exits 0 with the loader's result {@code message} (see {@link
   * dev.kiln.testkit.workload.InspectResults}), and the Job completes.
   */
  public void inspected(String trainingJob, String message) {
    inspection(trainingJob, 0, message, now());
  }

  /**
   * As {@link #inspected}, with any exit code: a non-zero one fails the Job, as the pod failure
   * policy Kiln sets does for the loader's verdicts.
   */
  public void inspection(String trainingJob, int exitCode, String message) {
    inspection(trainingJob, exitCode, message, now());
  }

  /** As {@link #inspection(String, int, String)}, the Job finishing at {@code at}. */
  public void inspection(String trainingJob, int exitCode, String message, String at) {
    String name = trainingJob + "-inspect";
    inspectPod(trainingJob, name + "-pod", exitCode, message, true);
    boolean ok = exitCode == 0;
    jobStatus(
        name,
        j ->
            JobStatuses.finished(
                j.getStatus(),
                ok ? "Complete" : "Failed",
                ok ? "CompletionsReached" : "PodFailurePolicy",
                ok ? 0 : 1,
                ok ? 1 : 0,
                at));
  }

  /**
   * A pod with the labels and spec of the run's inspect Job (once Kiln created it) whose {@code
   * inspect-model} container exited so; {@code owned}: created by that Job, else a look-alike.
   */
  public void inspectPod(
      String trainingJob, String podName, int exitCode, String message, boolean owned) {
    String name = trainingJob + "-inspect";
    Job job =
        org.awaitility.Awaitility.await()
            .atMost(java.time.Duration.ofSeconds(20))
            .until(
                () -> client.batch().v1().jobs().inNamespace(NS).withName(name).get(),
                java.util.Objects::nonNull);
    podOf(
        job,
        podName,
        owned,
        ContainerStates.pod(
            ContainerStates.status(
                INSPECT,
                ContainerStates.terminated(
                    exitCode, exitCode == 0 ? "Completed" : "Error", message, now(), now()))));
  }

  /** The controller owner reference its controller puts on what it creates. */
  public static io.fabric8.kubernetes.api.model.OwnerReference controller(
      io.fabric8.kubernetes.api.model.HasMetadata owner) {
    return new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .build();
  }

  public static ContainerStatus running() {
    return ContainerStates.status(TRAINER, ContainerStates.running(now()));
  }

  public static ContainerStatus waiting(String reason, String message) {
    ContainerStatus waiting =
        ContainerStates.status(TRAINER, ContainerStates.waiting(reason, message));
    waiting.setImage("registry.example/nope:1");
    return waiting;
  }

  public static ContainerStatus terminated(int exitCode, String reason, String message) {
    return ContainerStates.status(
        TRAINER, ContainerStates.terminated(exitCode, reason, message, now(), now()));
  }

  public static String now() {
    return JobStatuses.now();
  }

  @Override
  public void close() {
    api.close();
  }

  /**
   * One training Job and one inspect Job per run, never a second of either; and no run's phase, as
   * a watcher saw them in {@code seen}, ever went backwards.
   */
  public void assertOneJobEachAndNoRegression(
      List<String> names, Map<String, List<TrainingJobPhase>> seen) {
    var jobs = jobs();
    assertThat(jobs).hasSize(2 * names.size());
    for (String name : names) {
      assertThat(jobs)
          .filteredOn(j -> name.equals(j.getMetadata().getLabels().get("kiln.dev/trainingjob")))
          .extracting(j -> j.getMetadata().getName())
          .containsExactlyInAnyOrder(name + "-1", name + "-inspect");
      assertThat(get(name).getStatus().getJobName()).isEqualTo(name + "-1");
      List<TrainingJobPhase> history = seen.getOrDefault(name, List.of());
      for (int i = 1; i < history.size(); i++) {
        assertThat(rank(history.get(i)))
            .as(name + " went " + history)
            .isGreaterThanOrEqualTo(rank(history.get(i - 1)));
      }
    }
  }

  private static int rank(TrainingJobPhase phase) {
    return switch (phase) {
      case Pending, Queued, Suspended -> 0;
      case Running -> 1;
      case Succeeded, Failed -> 2;
    };
  }
}
