package dev.kiln.operator.modelserver;

import dev.kiln.operator.support.Owners;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Map;

/** Which pods are a ModelServer's: those its Deployment made, not look-alikes with its labels. */
final class ServerPods {
  private static final String TEMPLATE_HASH = "pod-template-hash";

  private ServerPods() {}

  /**
   * True for a pod controlled by the Deployment (by UID; what the sandbox does), or by the
   * Deployment's ReplicaSet for the pod's template hash (what a real cluster does). The operator
   * does not watch ReplicaSets, so the latter is checked by the name the Deployment controller
   * gives it ({@code <deployment>-<pod-template-hash>}).
   */
  static boolean ofDeployment(Pod pod, Deployment deployment) {
    if (deployment == null) {
      return false;
    }
    if (Owners.controlledBy(pod, deployment)) {
      return true;
    }
    Map<String, String> labels = pod.getMetadata().getLabels();
    String hash = labels == null ? null : labels.get(TEMPLATE_HASH);
    OwnerReference owner = Owners.controller(pod).orElse(null);
    return hash != null
        && owner != null
        && "ReplicaSet".equals(owner.getKind())
        && owner.getUid() != null
        && (deployment.getMetadata().getName() + "-" + hash).equals(owner.getName());
  }
}
