package dev.kiln.operator.it;

import static dev.kiln.operator.it.KilnTestCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.ModelSource;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.operator.KilnOperator;
import dev.kiln.operator.support.KilnLabels;
import dev.kiln.operator.support.ResourceMdc;
import dev.kiln.testkit.api.RequestLog;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * An object that cannot be read at all (a value of the wrong JSON type, which only a cluster
 * without the CRD's schema, or one holding objects from before a type change, hands over) must not
 * stop the operator or any other run. With an unreadable spec it fails once with InvalidSpec naming
 * the field, one Warning Event and one log line, gets no children and is not retried; with an
 * unreadable status it is reported once and left alone, its status unwritten, until it can be read.
 */
class UnreadableObjectsIT {
  static {
    org.awaitility.Awaitility.ignoreExceptionsByDefault();
  }

  private static final ResourceDefinitionContext TRAINING_JOBS =
      context("trainingjobs", "TrainingJob");
  private static final ResourceDefinitionContext MODEL_SERVERS =
      context("modelservers", "ModelServer");
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final KilnTestCluster cluster = new KilnTestCluster();
  private final RequestLog requests = new RequestLog();
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private KilnOperator operator;

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.close();
    }
    cluster.close();
    root().detachAppender(log);
  }

  @Test
  void anUnreadableObjectFailsOnceAndStopsNothingElse() throws Exception {
    // Present before the operator starts: its informers must sync past them.
    Map<String, Object> badTrainingJob = spec(TrainingJobs.basic("many-workers"));
    badTrainingJob.put("workers", "many");
    create(TRAINING_JOBS, TrainingJobs.basic("many-workers"), badTrainingJob);
    ModelServer server =
        ModelServerHelper.server(
            "two-replicas", ModelSource.builder().uri("s3://models/iris/model.onnx").build());
    Map<String, Object> badServer = spec(server);
    badServer.put("replicas", "two");
    create(MODEL_SERVERS, server, badServer);
    cluster.client().resource(TrainingJobs.basic("plain")).create();
    startOperatorBesideThem();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertPlainRunGoesOn();
              assertInvalidSpec(
                  TRAINING_JOBS, "many-workers", "Accepted", "spec.workers", "an integer", "many");
              assertInvalidSpec(
                  MODEL_SERVERS,
                  "two-replicas",
                  "ModelResolved",
                  "spec.replicas",
                  "an integer",
                  "two");
              assertReportedOnce("many-workers");
              assertReportedOnce("two-replicas");
            });

    // Nothing is written or announced again, whatever else makes the operator look at them.
    moreCausesToReconcile("many-workers", "two-replicas");
    await()
        .during(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(8))
        .untilAsserted(
            () -> {
              assertReportedOnce("many-workers");
              assertReportedOnce("two-replicas");
              assertThat(statusWrites("trainingjobs", "many-workers")).isEqualTo(1);
              assertThat(statusWrites("modelservers", "two-replicas")).isEqualTo(1);
            });

    assertThat(childrenOf("many-workers")).isEmpty();
    assertThat(childrenOf("two-replicas")).isEmpty();
    // The user's spec is as they wrote it: the status writes did not replace it.
    assertThat(spec(raw(TRAINING_JOBS, "many-workers"))).isEqualTo(badTrainingJob);
    assertThat(spec(raw(MODEL_SERVERS, "two-replicas"))).isEqualTo(badServer);
    assertThat(get("/healthz")).isEqualTo(200);
    assertThat(get("/readyz")).isEqualTo(200);
  }

  @Test
  void anUnreadableStatusIsReportedOnceAndKeptAsStored() throws Exception {
    // Another tool wrote values of the wrong type into the status, before the operator starts.
    Map<String, Object> badTrainingJob =
        new LinkedHashMap<>(
            Map.of("phase", "Running", "attempts", "many", "recordedBy", "other-tool"));
    String jobVersion =
        createWithStatus(TRAINING_JOBS, TrainingJobs.basic("many-attempts"), badTrainingJob);
    Map<String, Object> badServer =
        new LinkedHashMap<>(Map.of("conditions", "x", "recordedBy", "other-tool"));
    String serverVersion =
        createWithStatus(
            MODEL_SERVERS,
            ModelServerHelper.server(
                "x-conditions", ModelSource.builder().uri("s3://models/iris/model.onnx").build()),
            badServer);
    cluster.client().resource(TrainingJobs.basic("plain")).create();
    startOperatorBesideThem();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertPlainRunGoesOn();
              assertStatusUnreadableOnce(
                  "many-attempts", "status.attempts: Invalid value: \"many\": must be an integer");
              assertStatusUnreadableOnce(
                  "x-conditions", "status.conditions: Invalid value: \"x\": must be a list");
            });

    // Nothing is written or announced again, whatever else makes the operator look at them.
    moreCausesToReconcile("many-attempts", "x-conditions");
    await()
        .during(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(8))
        .untilAsserted(
            () -> {
              assertStatusUnreadableOnce("many-attempts", "status.attempts");
              assertStatusUnreadableOnce("x-conditions", "status.conditions");
              assertThat(statusWrites("trainingjobs", "many-attempts")).isZero();
              assertThat(statusWrites("modelservers", "x-conditions")).isZero();
            });
    assertThat(childrenOf("many-attempts")).isEmpty();
    assertThat(childrenOf("x-conditions")).isEmpty();
    // What the other tool recorded is there as it wrote it: the objects were not written at all.
    assertThat(raw(TRAINING_JOBS, "many-attempts").get("status")).isEqualTo(badTrainingJob);
    assertThat(raw(MODEL_SERVERS, "x-conditions").get("status")).isEqualTo(badServer);
    assertThat(resourceVersion(TRAINING_JOBS, "many-attempts")).isEqualTo(jobVersion);
    assertThat(resourceVersion(MODEL_SERVERS, "x-conditions")).isEqualTo(serverVersion);
    assertThat(cluster.phase("plain")).isEqualTo(TrainingJobPhase.Pending);

    // The other tool puts readable values back: the next cause to reconcile (a status-only
    // change is not one: JOSDK reconciles on a new generation) brings the object in as usual,
    // and what the other tool recorded stays.
    replaceStatus(TRAINING_JOBS, "many-attempts", Map.of("recordedBy", "other-tool"));
    replaceStatus(MODEL_SERVERS, "x-conditions", Map.of("recordedBy", "other-tool"));
    deleteStrayPod("many-attempts");
    deleteStrayPod("x-conditions");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(cluster.jobs())
                  .extracting(j -> j.getMetadata().getName())
                  .contains("many-attempts-1");
              assertThat(cluster.phase("many-attempts")).isEqualTo(TrainingJobPhase.Pending);
              assertThat(childrenOf("x-conditions")).contains("Deployment/x-conditions");
              Map<?, ?> server = (Map<?, ?>) raw(MODEL_SERVERS, "x-conditions").get("status");
              assertThat((List<?>) server.get("conditions")).isNotEmpty();
              assertThat(server.get("recordedBy")).isEqualTo("other-tool");
              Map<?, ?> job = (Map<?, ?>) raw(TRAINING_JOBS, "many-attempts").get("status");
              assertThat(job.get("recordedBy")).isEqualTo("other-tool");
            });
    assertThat(cluster.events("many-attempts"))
        .filteredOn(e -> "StatusUnreadable".equals(e.getReason()))
        .hasSize(1);
    assertThat(get("/healthz")).isEqualTo(200);
  }

  /**
   * One Warning Event naming the field, one warning in the log, and nothing else said: no other
   * Event, no other warning.
   */
  /** Starts the operator with the odd objects already there: it is alive and ready at once. */
  private void startOperatorBesideThem() throws Exception {
    log.start();
    root().addAppender(log);
    operator = cluster.startOperator(Map.of(), requests);
    assertThat(get("/healthz")).isEqualTo(200);
    await().atMost(WAIT).untilAsserted(() -> assertThat(get("/readyz")).isEqualTo(200));
  }

  /** The plain TrainingJob created beside the odd objects got its Job and a status. */
  private void assertPlainRunGoesOn() {
    assertThat(cluster.jobs()).extracting(j -> j.getMetadata().getName()).contains("plain-1");
    assertThat(cluster.phase("plain")).isEqualTo(TrainingJobPhase.Pending);
  }

  private void assertStatusUnreadableOnce(String name, String problem) {
    assertThat(cluster.events(name))
        .as(name + " events")
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getReason()).isEqualTo("StatusUnreadable");
              assertThat(e.getMessage()).startsWith(problem);
            });
    assertThat(
            List.copyOf(log.list).stream()
                .filter(e -> (NS + "/" + name).equals(e.getMDCPropertyMap().get(ResourceMdc.KEY)))
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .map(ILoggingEvent::getFormattedMessage)
                .toList())
        .as(name + " warnings")
        .singleElement()
        .asString()
        .contains(problem);
  }

  /** The object as the other tool left it: created, then its status written; its version. */
  private String createWithStatus(
      ResourceDefinitionContext kind, HasMetadata typed, Map<String, Object> status) {
    GenericKubernetesResource raw =
        Serialization.unmarshal(Serialization.asJson(typed), GenericKubernetesResource.class);
    var resources = cluster.client().genericKubernetesResources(kind).inNamespace(NS);
    GenericKubernetesResource created = resources.resource(raw).create();
    created.setAdditionalProperty("status", status);
    return resources.resource(created).updateStatus().getMetadata().getResourceVersion();
  }

  private void replaceStatus(
      ResourceDefinitionContext kind, String name, Map<String, Object> status) {
    var resources = cluster.client().genericKubernetesResources(kind).inNamespace(NS);
    GenericKubernetesResource now = resources.withName(name).get();
    now.setAdditionalProperty("status", status);
    resources.resource(now).updateStatus();
  }

  private String resourceVersion(ResourceDefinitionContext kind, String name) {
    return cluster
        .client()
        .genericKubernetesResources(kind)
        .inNamespace(NS)
        .withName(name)
        .get()
        .getMetadata()
        .getResourceVersion();
  }

  private void deleteStrayPod(String owner) {
    cluster.client().pods().inNamespace(NS).withName(owner + "-stray").delete();
  }

  /** The condition Kiln uses for a spec it refuses: False, InvalidSpec, naming field and type. */
  private void assertInvalidSpec(
      ResourceDefinitionContext kind,
      String name,
      String type,
      String field,
      String expected,
      String value) {
    Map<?, ?> status = (Map<?, ?>) raw(kind, name).get("status");
    assertThat(status).as(name + " status").isNotNull();
    assertThat((List<?>) status.get("conditions"))
        .as(name + " conditions")
        .anySatisfy(
            c -> {
              Map<?, ?> condition = (Map<?, ?>) c;
              assertThat(condition.get("type")).isEqualTo(type);
              assertThat(condition.get("status")).isEqualTo("False");
              assertThat(condition.get("reason")).isEqualTo("InvalidSpec");
              assertThat((String) condition.get("message"))
                  .startsWith(field + ": ")
                  .contains(expected, value);
            });
    assertThat(((Map<?, ?>) status.get("failure")).get("reason")).isEqualTo("InvalidSpec");
  }

  /** One Warning Event and one log line about it, for the object. */
  private void assertReportedOnce(String name) {
    assertThat(cluster.events(name))
        .as(name + " events")
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getReason()).isEqualTo("InvalidSpec");
            });
    List<ILoggingEvent> lines =
        List.copyOf(log.list).stream()
            .filter(e -> (NS + "/" + name).equals(e.getMDCPropertyMap().get(ResourceMdc.KEY)))
            .toList();
    assertThat(lines)
        .as(name + " log lines")
        .filteredOn(e -> e.getFormattedMessage().contains("InvalidSpec"))
        .hasSize(1);
    // Nothing else to say on each reconcile: no warning from reading or writing the object.
    assertThat(lines)
        .as(name + " warnings")
        .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .isEmpty();
  }

  private long statusWrites(String plural, String name) {
    String path =
        "/apis/kiln.dev/v1alpha1/namespaces/" + NS + "/" + plural + "/" + name + "/status";
    return requests.writes().stream().filter(r -> r.path().equals(path)).count();
  }

  /** Whatever in the namespace names the object as its owner. */
  private List<String> childrenOf(String owner) {
    var client = cluster.client();
    List<HasMetadata> all = new ArrayList<>();
    all.addAll(client.batch().v1().jobs().inNamespace(NS).list().getItems());
    all.addAll(client.persistentVolumeClaims().inNamespace(NS).list().getItems());
    all.addAll(client.secrets().inNamespace(NS).list().getItems());
    all.addAll(client.configMaps().inNamespace(NS).list().getItems());
    all.addAll(client.services().inNamespace(NS).list().getItems());
    all.addAll(client.apps().deployments().inNamespace(NS).list().getItems());
    return all.stream()
        .filter(
            o ->
                o.getMetadata().getOwnerReferences().stream()
                    .map(OwnerReference::getName)
                    .anyMatch(owner::equals))
        .map(o -> o.getKind() + "/" + o.getMetadata().getName())
        .toList();
  }

  /** Created as a client without the schema would let it through: the mock does not validate. */
  private void create(ResourceDefinitionContext kind, HasMetadata typed, Map<String, Object> spec) {
    GenericKubernetesResource raw =
        Serialization.unmarshal(Serialization.asJson(typed), GenericKubernetesResource.class);
    raw.setAdditionalProperty("spec", spec);
    cluster.client().genericKubernetesResources(kind).inNamespace(NS).resource(raw).create();
  }

  /**
   * More causes to reconcile both objects: a pod labelled as each object's appears (its informer
   * maps it to the object), then the watches end and the informers list everything again.
   */
  private void moreCausesToReconcile(String trainingJob, String modelServer) {
    strayPod(trainingJob, KilnLabels.TRAINING_JOB);
    strayPod(modelServer, KilnLabels.MODEL_SERVER);
    cluster.faults().dropWatches();
  }

  /** A pod that is not the object's child but carries its label: a cause to reconcile it. */
  private void strayPod(String owner, String label) {
    cluster
        .client()
        .pods()
        .inNamespace(NS)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(owner + "-stray")
                .withLabels(Map.of(KilnLabels.MANAGED_BY, KilnLabels.MANAGER, label, owner))
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("main")
                .withImage("registry.example/stray:1")
                .endContainer()
                .endSpec()
                .build())
        .create();
  }

  private Map<String, Object> raw(ResourceDefinitionContext kind, String name) {
    return cluster
        .client()
        .genericKubernetesResources(kind)
        .inNamespace(NS)
        .withName(name)
        .get()
        .getAdditionalProperties();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(HasMetadata typed) {
    Map<String, Object> json = Serialization.unmarshal(Serialization.asJson(typed), Map.class);
    return new HashMap<>((Map<String, Object>) json.get("spec"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(Map<String, Object> raw) {
    return (Map<String, Object>) raw.get("spec");
  }

  private static ResourceDefinitionContext context(String plural, String kind) {
    return new ResourceDefinitionContext.Builder()
        .withGroup(TrainingJob.GROUP)
        .withVersion(TrainingJob.VERSION)
        .withPlural(plural)
        .withKind(kind)
        .withNamespaced(true)
        .build();
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  }

  private int get(String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + operator.httpPort() + path))
            .build();
    return HttpClient.newHttpClient()
        .send(request, HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
