package dev.kiln.operator.support;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpecBuilder;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * An informer cache that keeps only what Kiln reads of a child. A training Job's and Pod's specs
 * repeat the pod template (environment, volumes, the hyperparameters annotation) and a real API
 * server adds managedFields; the TrainingJob controller reads their metadata, their status and a
 * Job's {@code spec.suspend}, so that is all the cache holds (at 10,000 runs the full objects were
 * most of the operator's heap). Event handlers get each new object in full (the previous one of an
 * update is the pruned copy); Kiln's writes to these children are JSON merge patches by name, which
 * a pruned copy does not change.
 *
 * <p>JOSDK had a prune hook for its caches
 * (https://github.com/operator-framework/java-operator-sdk/pull/1630) and removed it again
 * (https://github.com/operator-framework/java-operator-sdk/pull/1694), so this plugs into fabric8's
 * item store; it can go if JOSDK offers a cache transform again
 * (https://github.com/operator-framework/java-operator-sdk/issues/892).
 */
public final class PrunedCache<T extends HasMetadata> extends BasicItemStore<T> {
  private final UnaryOperator<T> prune;

  public PrunedCache(UnaryOperator<T> prune) {
    super(Cache::metaNamespaceKeyFunc);
    this.prune = prune;
  }

  @Override
  public T put(String key, T obj) {
    return super.put(key, prune.apply(obj));
  }

  /** Metadata (without managedFields), {@code spec.suspend} and the status. */
  public static Job job(Job job) {
    JobSpec spec =
        new JobSpecBuilder()
            .withSuspend(job.getSpec() == null ? null : job.getSpec().getSuspend())
            .build();
    return new Job(
        job.getApiVersion(), job.getKind(), metadata(job.getMetadata()), spec, job.getStatus());
  }

  /** Metadata (without managedFields) and the status. */
  public static Pod pod(Pod pod) {
    PodSpec none = new PodSpecBuilder().build();
    return new Pod(
        pod.getApiVersion(), pod.getKind(), metadata(pod.getMetadata()), none, pod.getStatus());
  }

  /**
   * The metadata without managedFields; shared, not copied, when it has none (cached objects are
   * read-only), since a copy per cache write would cost more CPU than the cache saves.
   */
  private static ObjectMeta metadata(ObjectMeta metadata) {
    if (metadata == null
        || metadata.getManagedFields() == null
        || metadata.getManagedFields().isEmpty()) {
      return metadata;
    }
    return new ObjectMetaBuilder(metadata)
        .withManagedFields((List<ManagedFieldsEntry>) null)
        .build();
  }
}
