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
  protected final KubernetesClient client;
  protected final SharedIndexInformer<T> owners;
  protected final SharedIndexInformer<Pod> pods;
  protected final Clock clock;
  protected final CreationExpectations expectations;
  private ControlLoop loop;

  PodOwnerController(
      KubernetesClient client,
      SharedIndexInformer<T> owners,
      SharedIndexInformer<Pod> pods,
      Clock clock) {
    this.client = client;
    this.owners = owners;
    this.pods = pods;
    this.clock = clock;
    this.expectations = new CreationExpectations(clock);
  }

  /**
   * Starts the loop; called at the end of the subclass's constructor, once its own fields are set,
   * because the loop may call {@link #reconcile} at once.
   */
  protected final void start(String name, String kind) {
    loop = new ControlLoop(name, this::reconcile);
    loop.watch(owners);
    pods.addEventHandler(Owners.enqueueOwner(loop, kind));
  }

  /** Brings the object with this key ("namespace/name") and its pods to their desired state. */
  protected abstract void reconcile(String key);

  /** Creates a pod of {@code owner} from a template's labels, annotations and spec. */
  protected final void createPod(
      T owner,
      String name,
      Map<String, String> labels,
      Map<String, String> annotations,
      PodSpec spec) {
    expectations.created(owner.getMetadata().getUid(), name);
    client
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
    client.resource(pod).delete();
  }

  @Override
  public void close() {
    loop.close();
  }
}
