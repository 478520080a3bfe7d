package dev.kiln.operator.support;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.Optional;

/**
 * Creates a child object that the informer cache does not show. "Already exists" (409) is fine: a
 * restarted operator or a lagging cache; the child's informer event brings it in shortly.
 */
public final class CreateIfMissing {
  private CreateIfMissing() {}

  /** The object as created, or empty when it already existed; other errors are thrown. */
  public static <T extends HasMetadata> Optional<T> create(KubernetesClient client, T desired) {
    try {
      return Optional.of(client.resource(desired).create());
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return Optional.empty();
      }
      throw e;
    }
  }
}
