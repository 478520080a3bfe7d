package dev.kiln.operator.support;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.Optional;

/**
 * Creates a child object that the informer cache does not show. "Already exists" (409) is fine: a
 * restarted operator or a lagging cache; the child's informer event brings it in shortly — unless
 * the existing object belongs to an older incarnation of the owner, which is replaced.
 */
public final class CreateIfMissing {
  private CreateIfMissing() {}

  /** The object as created, or empty when it already existed; other errors are thrown. */
  public static <T extends HasMetadata> Optional<T> create(KubernetesClient client, T desired) {
    try {
      return Optional.of(client.resource(desired).create());
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
    }
    // Made for an older incarnation of the owner (deleted and re-created before the garbage
    // collector ran): its content, e.g. a report token, is not this owner's. Replace it.
    T existing = client.resource(desired).get();
    if (existing == null || !Owners.stale(existing, desired)) {
      return Optional.empty();
    }
    client.resource(existing).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
    try {
      return Optional.of(client.resource(desired).create());
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return Optional.empty(); // still being deleted: the next reconcile tries again
      }
      throw e;
    }
  }
}
