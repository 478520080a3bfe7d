package dev.kiln.operator.trainingjob;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kueue Workload of a Kueue-managed training Job, through which Kiln holds the Job back.
 * Kueue's jobframework resumes an admitted Job that anyone but Kueue suspends, so a Job cannot be
 * paused through its spec.suspend; {@code spec.active: false} on its Workload (what {@code kueuectl
 * stop workload} does) makes Kueue evict it and suspend the Job, and {@code true} puts it back in
 * the queue (docs/design.md#kueue). Kueue labels the Workload with the Job's UID. Served as v1beta2
 * since Kueue 0.15 and as v1beta1 before; no Workload API at all means Kueue is not installed, and
 * then nothing runs the Job anyway.
 */
final class KueueWorkloads {
  static final String JOB_UID_LABEL = "kueue.x-k8s.io/job-uid";
  private static final Logger log = LoggerFactory.getLogger(KueueWorkloads.class);
  private static final List<String> VERSIONS = List.of("v1beta2", "v1beta1");
  private static final int NOT_FOUND = 404;

  private KueueWorkloads() {}

  /**
   * Sets spec.active on the Job's Workload, writing only when it differs; nothing when Kueue has
   * not made the Workload yet (a new Workload is active, and a paused run is held again if Kueue
   * admits it meanwhile).
   */
  static void setActive(KubernetesClient client, Job job, boolean active) {
    String uid = job.getMetadata().getUid();
    if (uid == null) {
      return; // the Job as just created: Kueue has not seen it yet
    }
    String namespace = job.getMetadata().getNamespace();
    for (String version : VERSIONS) {
      ResourceDefinitionContext workloads = workloads(version);
      List<GenericKubernetesResource> found;
      try {
        found =
            client
                .genericKubernetesResources(workloads)
                .inNamespace(namespace)
                .withLabel(JOB_UID_LABEL, uid)
                .list()
                .getItems();
      } catch (KubernetesClientException e) {
        if (e.getCode() == NOT_FOUND) {
          continue; // this version is not served (or Kueue is not installed)
        }
        throw e;
      }
      for (GenericKubernetesResource w : found) {
        if (isActive(w) != active) {
          // On the listed object: patching by name alone would GET the Workload first.
          client
              .genericKubernetesResources(workloads)
              .inNamespace(namespace)
              .resource(w)
              .patch(
                  PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"active\":" + active + "}}");
          log.info(
              "Kueue Workload {} of Job {}: spec.active={}",
              w.getMetadata().getName(),
              job.getMetadata().getName(),
              active);
        }
      }
      return;
    }
  }

  /** A Workload is active unless its spec says otherwise (the CRD defaults it to true). */
  private static boolean isActive(GenericKubernetesResource workload) {
    return !(workload.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec
        && Boolean.FALSE.equals(spec.get("active")));
  }

  private static ResourceDefinitionContext workloads(String version) {
    return new ResourceDefinitionContext.Builder()
        .withGroup("kueue.x-k8s.io")
        .withVersion(version)
        .withKind("Workload")
        .withPlural("workloads")
        .withNamespaced(true)
        .build();
  }
}
