package dev.kiln.sandbox.cluster;

import dev.kiln.operator.support.KilnLabels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.util.Map;

/**
 * What the sandbox's Job and Deployment controllers share: a control loop over their objects that
 * also runs when a pod they own changes, and creating (with expectations, so a slow cache does not
 * make twice as many) and deleting those pods.
 */
abstract class PodOwnerController<T extends HasMetadata> implements AutoCloseable {
  protected final Cluster cluster;
  protected final SharedIndexInformer<T> owners;
  protected final CreationExpectations expectations;
  private final String kind;
  private final ControlLoop loop;

  /** What every pod-owning controller works with: the API, the shared pod informer, the clock. */
  record Cluster(KubernetesClient client, SharedIndexInformer<Pod> pods, Clock clock) {}

  /** A controller named {@code name} of the objects of {@code kind} that {@code owners} holds. */
  PodOwnerController(Cluster cluster, SharedIndexInformer<T> owners, String name, String kind) {
    this.cluster = cluster;
    this.owners = owners;
    this.expectations = new CreationExpectations(cluster.clock());
    this.kind = kind;
    this.loop = new ControlLoop(name, this::reconcile);
  }

  /**
   * Starts the loop; called once the controller is constructed, subclass fields included, because
   * the loop may call {@link #reconcile} at once.
   */
  final void start() {
    loop.watch(owners);
    cluster.pods().addEventHandler(Owners.enqueueOwner(loop, kind));
  }

  private void reconcile(String key) {
    T owner = owners.getStore().getByKey(key);
    if (owner == null) {
      forget(key);
    } else {
      reconcile(key, owner);
    }
  }

  /** Brings {@code owner} (its key is "namespace/name") and its pods to their desired state. */
  protected abstract void reconcile(String key, T owner);

  /** The object with this key is gone. */
  protected void forget(String key) {}

  /** Creates a pod of {@code owner} from a template's labels, annotations and spec. */
  protected final void createPod(
      T owner,
      String name,
      Map<String, String> labels,
      Map<String, String> annotations,
      PodSpec spec) {
    expectations.created(owner.getMetadata().getUid(), name);
    cluster
        .client()
        .pods()
        .inNamespace(owner.getMetadata().getNamespace())
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(owner.getMetadata().getNamespace())
                .withLabels(labels)
                .withAnnotations(annotations)
                .withOwnerReferences(KilnLabels.controllerReference(owner))
                .endMetadata()
                .withSpec(spec)
                .build())
        .create();
  }

  protected final void delete(Pod pod) {
    cluster.client().resource(pod).delete();
  }

  @Override
  public void close() {
    loop.close();
  }
}
