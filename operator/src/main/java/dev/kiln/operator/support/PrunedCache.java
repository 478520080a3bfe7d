package dev.kiln.operator.support;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
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
    return new JobBuilder()
        .withApiVersion(job.getApiVersion())
        .withKind(job.getKind())
        .withMetadata(metadata(job.getMetadata()))
        .withNewSpec()
        .withSuspend(job.getSpec() == null ? null : job.getSpec().getSuspend())
        .endSpec()
        .withStatus(job.getStatus())
        .build();
  }

  /** Metadata (without managedFields) and the status. */
  public static Pod pod(Pod pod) {
    return new PodBuilder()
        .withApiVersion(pod.getApiVersion())
        .withKind(pod.getKind())
        .withMetadata(metadata(pod.getMetadata()))
        .withNewSpec()
        .endSpec()
        .withStatus(pod.getStatus())
        .build();
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
