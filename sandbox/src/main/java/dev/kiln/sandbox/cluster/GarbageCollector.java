package dev.kiln.sandbox.cluster;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background cascading deletion, which the mock API server does not do: when an object is deleted,
 * every object in its namespace with an owner reference to its uid is deleted too, and so on down
 * (a TrainingJob takes its Job, the Job its pods, whose processes then stop).
 */
final class GarbageCollector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GarbageCollector.class);

  /** The kinds that Kiln and the sandbox's controllers create with owner references. */
  static final List<Class<? extends HasMetadata>> DEPENDENTS =
      List.of(
          Pod.class,
          Job.class,
          PersistentVolumeClaim.class,
          Secret.class,
          ConfigMap.class,
          Service.class,
          Deployment.class,
          HorizontalPodAutoscaler.class,
          NetworkPolicy.class,
          PodDisruptionBudget.class);

  private final KubernetesClient client;
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(DaemonThreads.named("sandbox-garbage-collector"));
  private final List<SharedIndexInformer<GenericKubernetesResource>> owners = new ArrayList<>();

  GarbageCollector(KubernetesClient client) {
    this.client = client;
  }

  /** Collects the dependents of the informer's objects when they are deleted. */
  <T extends HasMetadata> void watch(SharedIndexInformer<T> informer) {
    informer.addEventHandler(
        Handlers.of(
            Handlers::ignore,
            Handlers::ignore,
            o -> {
              String ns = o.getMetadata().getNamespace();
              String uid = o.getMetadata().getUid();
              executor.execute(() -> collect(ns, uid));
            }));
  }

  /** Also collects the dependents of custom resources (Kiln's TrainingJobs and ModelServers). */
  void watchCustom(String apiVersion, String kind) {
    SharedIndexInformer<GenericKubernetesResource> informer =
        client.genericKubernetesResources(apiVersion, kind).inAnyNamespace().runnableInformer(0);
    watch(informer);
    owners.add(informer);
  }

  void start() {
    owners.forEach(SharedIndexInformer::run);
  }

  private void collect(String ns, String ownerUid) {
    for (Class<? extends HasMetadata> kind : DEPENDENTS) {
      try {
        for (HasMetadata o : client.resources(kind).inNamespace(ns).list().getItems()) {
          if (o.getMetadata().getOwnerReferences() != null
              && o.getMetadata().getOwnerReferences().stream()
                  .anyMatch(r -> ownerUid.equals(r.getUid()))) {
            client.resource(o).delete();
          }
        }
      } catch (RuntimeException e) {
        log.warn("cannot collect the dependents of {} in {}: {}", ownerUid, ns, e.getMessage());
      }
    }
  }

  @Override
  public void close() {
    owners.forEach(SharedIndexInformer::close);
    executor.shutdownNow();
  }
}
