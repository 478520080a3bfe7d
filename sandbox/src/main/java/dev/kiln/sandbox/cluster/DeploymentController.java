package dev.kiln.sandbox.cluster;

import dev.kiln.operator.support.KilnLabels;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Deployment controller, without ReplicaSets: pods of the current template (label {@code
 * pod-template-hash}) are owned by the Deployment itself. Rolling updates honour {@code maxSurge}
 * and {@code maxUnavailable}: new pods are added up to the surge, old ones removed only while
 * enough pods stay ready; {@code Recreate} removes the old pods first. The status (replicas,
 * updated, ready, available, observed generation, Available and Progressing conditions, {@code
 * progressDeadlineSeconds}) is recomputed on every change and written when it differs, also after
 * an operator's replace of the Deployment reset it.
 */
final class DeploymentController implements AutoCloseable {
  static final String HASH = "pod-template-hash";

  private final KubernetesClient client;
  private final SharedIndexInformer<Deployment> deployments;
  private final SharedIndexInformer<Pod> pods;
  private final Clock clock;
  private final ControlLoop loop;

  /** When each Deployment last made progress (a new pod, a pod ready), for its deadline. */
  private final Map<String, Instant> lastProgress = new ConcurrentHashMap<>();

  private final CreationExpectations expectations;

  DeploymentController(
      KubernetesClient client,
      SharedIndexInformer<Deployment> deployments,
      SharedIndexInformer<Pod> pods,
      Clock clock) {
    this.client = client;
    this.deployments = deployments;
    this.pods = pods;
    this.clock = clock;
    this.expectations = new CreationExpectations(clock);
    this.loop = new ControlLoop("sandbox-deployment-controller", this::reconcile);
    loop.watch(deployments);
    pods.addEventHandler(Owners.enqueueOwner(loop, "Deployment"));
  }

  private void reconcile(String key) {
    Deployment d = deployments.getStore().getByKey(key);
    if (d == null) {
      lastProgress.remove(key);
      return;
    }
    Instant now = clock.instant();
    String hash = templateHash(d);
    List<Pod> current = new ArrayList<>();
    List<Pod> old = new ArrayList<>();
    List<Pod> owned = Owners.owned(pods, d.getMetadata().getUid());
    boolean cacheCurrent = expectations.satisfied(d.getMetadata().getUid(), owned);
    for (Pod p : owned) {
      String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
      if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
        delete(p); // a pod that ended is replaced
        continue;
      }
      boolean isNew =
          p.getMetadata().getLabels() != null && hash.equals(p.getMetadata().getLabels().get(HASH));
      (isNew ? current : old).add(p);
    }
    int desired = Objects.requireNonNullElse(d.getSpec().getReplicas(), 1);
    boolean recreate =
        d.getSpec().getStrategy() != null && "Recreate".equals(d.getSpec().getStrategy().getType());
    int surge = recreate ? 0 : scaled(rolling(d, true), desired, true, 1);
    int unavailable = recreate ? desired : scaled(rolling(d, false), desired, false, 0);
    if (surge == 0 && unavailable == 0) {
      unavailable = 1; // Kubernetes rejects both zero; behave as it defaults
    }
    lastProgress.putIfAbsent(key, now);

    // Scale the current template up to the surge (Recreate: only once the old pods are gone).
    int total = current.size() + old.size();
    if (cacheCurrent && current.size() < desired && (!recreate || old.isEmpty())) {
      int room = Math.min(desired - current.size(), desired + surge - total);
      for (int i = 0; i < room; i++) {
        create(d, hash);
        lastProgress.put(key, now);
      }
    }
    if (current.size() > desired) {
      current.sort(Comparator.comparing(Owners::ready)); // unready first
      current.subList(0, current.size() - desired).forEach(this::delete);
    }
    // Remove old pods while enough stay ready: unready ones always, ready ones within budget.
    int readyCurrent = (int) current.stream().filter(Owners::ready).count();
    int readyOld = (int) old.stream().filter(Owners::ready).count();
    int budget = readyCurrent + readyOld - (desired - unavailable);
    old.sort(Comparator.comparing(Owners::ready));
    List<Pod> remaining = new ArrayList<>();
    for (Pod p : old) {
      if (!Owners.ready(p)) {
        delete(p);
      } else if (budget > 0) {
        delete(p);
        budget--;
        lastProgress.put(key, now);
      } else {
        remaining.add(p);
      }
    }
    writeStatus(d, key, desired, unavailable, current, remaining, now);
  }

  private void writeStatus(
      Deployment d,
      String key,
      int desired,
      int maxUnavailable,
      List<Pod> current,
      List<Pod> old,
      Instant now) {
    int ready =
        (int)
            (current.stream().filter(Owners::ready).count()
                + old.stream().filter(Owners::ready).count());
    DeploymentStatus prior = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
    DeploymentStatus s = new DeploymentStatus();
    s.setObservedGeneration(d.getMetadata().getGeneration());
    s.setReplicas(current.size() + old.size());
    s.setUpdatedReplicas(current.size());
    s.setReadyReplicas(ready);
    s.setAvailableReplicas(ready);
    s.setUnavailableReplicas(Math.max(0, desired - ready));
    Map<String, DeploymentCondition> conditions = new LinkedHashMap<>();
    if (prior.getConditions() != null) {
      prior.getConditions().forEach(c -> conditions.put(c.getType(), c));
    }
    boolean available = ready >= desired - maxUnavailable;
    set(
        conditions,
        "Available",
        available,
        available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
        available
            ? "Deployment has minimum availability."
            : "Deployment does not have minimum availability.",
        now);
    long readyCurrent = current.stream().filter(Owners::ready).count();
    boolean complete = readyCurrent == desired && old.isEmpty() && current.size() == desired;
    int deadline = Objects.requireNonNullElse(d.getSpec().getProgressDeadlineSeconds(), 600);
    if (complete) {
      set(
          conditions,
          "Progressing",
          true,
          "NewReplicaSetAvailable",
          "Deployment \"" + d.getMetadata().getName() + "\" has successfully progressed.",
          now);
    } else if (lastProgress.get(key).plusSeconds(deadline).isBefore(now)) {
      set(
          conditions,
          "Progressing",
          false,
          "ProgressDeadlineExceeded",
          "Deployment \"" + d.getMetadata().getName() + "\" has timed out progressing.",
          now);
    } else {
      set(
          conditions,
          "Progressing",
          true,
          "ReplicaSetUpdated",
          "Deployment \"" + d.getMetadata().getName() + "\" is progressing.",
          now);
    }
    s.setConditions(new ArrayList<>(conditions.values()));
    if (Serialization.asJson(s).equals(Serialization.asJson(prior))) {
      return;
    }
    client
        .apps()
        .deployments()
        .inNamespace(d.getMetadata().getNamespace())
        .withName(d.getMetadata().getName())
        .editStatus(
            x -> {
              x.setStatus(s);
              return x;
            });
  }

  private void create(Deployment d, String hash) {
    var template = d.getSpec().getTemplate();
    Map<String, String> labels = new LinkedHashMap<>();
    if (template.getMetadata().getLabels() != null) {
      labels.putAll(template.getMetadata().getLabels());
    }
    labels.put(HASH, hash);
    String name = d.getMetadata().getName() + "-" + hash + "-" + Owners.suffix();
    expectations.created(d.getMetadata().getUid(), name);
    client
        .pods()
        .inNamespace(d.getMetadata().getNamespace())
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(d.getMetadata().getNamespace())
                .withLabels(labels)
                .withAnnotations(template.getMetadata().getAnnotations())
                .withOwnerReferences(KilnLabels.controllerReference(d))
                .endMetadata()
                .withSpec(Serialization.clone(template.getSpec()))
                .build())
        .create();
  }

  private void delete(Pod pod) {
    client.resource(pod).delete();
  }

  private static IntOrString rolling(Deployment d, boolean surge) {
    var strategy = d.getSpec().getStrategy();
    if (strategy == null || strategy.getRollingUpdate() == null) {
      return new IntOrString("25%");
    }
    IntOrString v =
        surge
            ? strategy.getRollingUpdate().getMaxSurge()
            : strategy.getRollingUpdate().getMaxUnavailable();
    return v == null ? new IntOrString("25%") : v;
  }

  /** An absolute or percentage value; surge rounds up, unavailable down, as Kubernetes does. */
  static int scaled(IntOrString value, int desired, boolean roundUp, int fallback) {
    if (value.getIntVal() != null) {
      return value.getIntVal();
    }
    String s = value.getStrVal();
    if (s == null || !s.endsWith("%")) {
      return fallback;
    }
    double share = desired * Integer.parseInt(s.substring(0, s.length() - 1)) / 100.0;
    return (int) (roundUp ? Math.ceil(share) : Math.floor(share));
  }

  /** A stable hash of the pod template: pods of another template are a previous revision. */
  static String templateHash(Deployment d) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  Serialization.asJson(d.getSpec().getTemplate()).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void set(
      Map<String, DeploymentCondition> conditions,
      String type,
      boolean value,
      String reason,
      String message,
      Instant now) {
    DeploymentCondition old = conditions.get(type);
    String status = value ? "True" : "False";
    if (old != null && status.equals(old.getStatus()) && Objects.equals(reason, old.getReason())) {
      return;
    }
    String time = Kubelet.format(now);
    String since =
        old != null && status.equals(old.getStatus()) ? old.getLastTransitionTime() : time;
    conditions.put(
        type,
        new DeploymentConditionBuilder()
            .withType(type)
            .withStatus(status)
            .withReason(reason)
            .withMessage(message)
            .withLastUpdateTime(time)
            .withLastTransitionTime(since)
            .build());
  }

  @Override
  public void close() {
    loop.close();
  }
}
