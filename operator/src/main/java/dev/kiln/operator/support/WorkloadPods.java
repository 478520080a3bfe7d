package dev.kiln.operator.support;

import dev.kiln.api.v1alpha1.WorkloadSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;

/** What a training pod and a model-server pod take alike from their {@link WorkloadSpec}. */
public final class WorkloadPods {
  private WorkloadPods() {}

  /**
   * A pod spec at the spec's security level (with the operator's pod {@code identity}) with its
   * service account, scheduling settings, runtime class and scheduler. The pod gets no Kubernetes
   * API token unless the user chose an account.
   */
  public static PodSpecBuilder podSpec(WorkloadSpec spec, PodIdentity identity) {
    return new PodSpecBuilder()
        .withSecurityContext(PodSecurity.pod(spec, identity))
        .withRuntimeClassName(PodOverlay.runtimeClassName(spec))
        .withSchedulerName(PodOverlay.schedulerName(spec))
        .withServiceAccountName(spec.getServiceAccountName())
        .withAutomountServiceAccountToken(spec.getServiceAccountName() != null ? null : false)
        .withNodeSelector(spec.getNodeSelector())
        .withTolerations(spec.getTolerations())
        .withAffinity(spec.getAffinity())
        .withPriorityClassName(spec.getPriorityClassName())
        .withImagePullSecrets(spec.getImagePullSecrets());
  }
}
