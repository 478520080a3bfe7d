package dev.kiln.sandbox.cluster;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
final class DeploymentController extends PodOwnerController<Deployment> {
  static final String HASH = "pod-template-hash";

  /** When each Deployment last made progress (a new pod, a pod ready), for its deadline. */
  private final Map<String, Instant> lastProgress = new ConcurrentHashMap<>();

  DeploymentController(Cluster cluster, SharedIndexInformer<Deployment> deployments) {
    super(cluster, deployments, "sandbox-deployment-controller", "Deployment");
  }

  @Override
  protected void forget(String key) {
    lastProgress.remove(key);
  }

  @Override
  protected void reconcile(String key, Deployment d) {
    Instant now = cluster.clock().instant();
    String hash = templateHash(d);
    List<Pod> current = new ArrayList<>();
    List<Pod> old = new ArrayList<>();
    List<Pod> owned = Owners.owned(cluster.pods(), d.getMetadata().getUid());
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
    Rollout rollout = Rollout.of(d);
    lastProgress.putIfAbsent(key, now);
    if (cacheCurrent && scaleUp(d, hash, rollout, current, old)) {
      lastProgress.put(key, now);
    }
    List<Pod> remaining = scaleDown(rollout, current, old, () -> lastProgress.put(key, now));
    DeploymentStatus status =
        DeploymentStatusBuilder.build(d, rollout, current, remaining, lastProgress.get(key), now);
    DeploymentStatus prior = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
    Owners.writeStatusIfChanged(cluster.client(), d, prior, status, Deployment::setStatus);
  }

  /**
   * Adds pods of the current template up to the surge (Recreate: only once the old pods are gone);
   * returns whether it added any.
   */
  private boolean scaleUp(Deployment d, String hash, Rollout r, List<Pod> current, List<Pod> old) {
    int total = current.size() + old.size();
    if (current.size() >= r.desired() || (r.recreate() && !old.isEmpty())) {
      return false;
    }
    int room = Math.min(r.desired() - current.size(), r.desired() + r.surge() - total);
    for (int i = 0; i < room; i++) {
      create(d, hash);
    }
    return room > 0;
  }

  /**
   * Removes current pods above the replica count (unready first), and old pods while enough stay
   * ready: unready ones always, ready ones within budget (which is progress). Returns the old pods
   * that stay.
   */
  private List<Pod> scaleDown(Rollout r, List<Pod> current, List<Pod> old, Runnable progressed) {
    if (current.size() > r.desired()) {
      current.sort(Comparator.comparing(Owners::ready)); // unready first
      current.subList(0, current.size() - r.desired()).forEach(this::delete);
    }
    int readyCurrent = (int) current.stream().filter(Owners::ready).count();
    int readyOld = (int) old.stream().filter(Owners::ready).count();
    int budget = readyCurrent + readyOld - (r.desired() - r.unavailable());
    old.sort(Comparator.comparing(Owners::ready));
    List<Pod> remaining = new ArrayList<>();
    for (Pod p : old) {
      if (!Owners.ready(p)) {
        delete(p);
      } else if (budget > 0) {
        delete(p);
        budget--;
        progressed.run();
      } else {
        remaining.add(p);
      }
    }
    return remaining;
  }

  private void create(Deployment d, String hash) {
    var template = d.getSpec().getTemplate();
    Map<String, String> labels = new LinkedHashMap<>();
    if (template.getMetadata().getLabels() != null) {
      labels.putAll(template.getMetadata().getLabels());
    }
    labels.put(HASH, hash);
    String name = d.getMetadata().getName() + "-" + hash + "-" + Owners.suffix();
    createPod(
        d,
        name,
        labels,
        template.getMetadata().getAnnotations(),
        Serialization.clone(template.getSpec()));
  }

  /** An absolute or percentage value; surge rounds up, unavailable down, as Kubernetes does. */
  static int scaled(IntOrString value, int desired, boolean roundUp, int fallback) {
    return Rollout.scaled(value, desired, roundUp, fallback);
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
}
