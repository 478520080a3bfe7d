package dev.kiln.sandbox.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/** Owner references: who owns a pod, the pods an owner has, and the names controllers give pods. */
final class Owners {
  /** The informer index of objects by the uids of their owners. */
  static final String BY_OWNER = "owner-uid";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  private Owners() {}

  static <T extends HasMetadata> Map<String, Function<T, List<String>>> index() {
    return Map.of(
        BY_OWNER,
        o ->
            o.getMetadata().getOwnerReferences() == null
                ? List.of()
                : o.getMetadata().getOwnerReferences().stream()
                    .map(OwnerReference::getUid)
                    .toList());
  }

  static List<Pod> owned(SharedIndexInformer<Pod> pods, String ownerUid) {
    return pods.getIndexer().byIndex(BY_OWNER, ownerUid);
  }

  /** Queues the owner (of the given kind) of every pod that changes. */
  static ResourceEventHandler<Pod> enqueueOwner(ControlLoop loop, String kind) {
    return Handlers.onEveryChange(
        pod -> {
          if (pod.getMetadata().getOwnerReferences() == null) {
            return;
          }
          pod.getMetadata().getOwnerReferences().stream()
              .filter(r -> kind.equals(r.getKind()))
              .forEach(r -> loop.enqueue(pod.getMetadata().getNamespace() + "/" + r.getName()));
        });
  }

  /** Five random characters, as Kubernetes appends to generated names. */
  static String suffix() {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      s.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return s.toString();
  }

  static boolean ready(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /**
   * Replaces the status of {@code object} as the server has it now (a get by namespace and name,
   * then a status patch), so a stale cached copy does not undo another writer's fields.
   */
  static <T extends HasMetadata> void editStatus(
      KubernetesClient client, T object, Consumer<T> setStatus) {
    @SuppressWarnings("unchecked") // an object's class is the type of its resource
    Class<T> type = (Class<T>) object.getClass();
    client
        .resources(type)
        .inNamespace(object.getMetadata().getNamespace())
        .withName(object.getMetadata().getName())
        .editStatus(
            current -> {
              setStatus.accept(current);
              return current;
            });
  }

  /** {@link #editStatus} unless {@code status} is what the object has already ({@code prior}). */
  static <T extends HasMetadata, S> void writeStatusIfChanged(
      KubernetesClient client, T object, S prior, S status, BiConsumer<T, S> set) {
    if (!Serialization.asJson(status).equals(Serialization.asJson(prior))) {
      editStatus(client, object, current -> set.accept(current, status));
    }
  }
}
