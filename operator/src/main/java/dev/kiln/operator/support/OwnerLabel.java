package dev.kiln.operator.support;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import java.util.Map;
import java.util.Set;

/**
 * Maps a secondary resource to its primary through the owner's kiln.dev/ label, for children that
 * the primary does not own directly (pods are owned by a Job or a ReplicaSet).
 */
public final class OwnerLabel {
  private OwnerLabel() {}

  /** The primary named by {@code label} in the secondary's namespace; none without the label. */
  public static <R extends HasMetadata> SecondaryToPrimaryMapper<R> mapper(String label) {
    return secondary -> {
      Map<String, String> labels = secondary.getMetadata().getLabels();
      String name = labels == null ? null : labels.get(label);
      return name == null
          ? Set.of()
          : Set.of(new ResourceID(name, secondary.getMetadata().getNamespace()));
    };
  }

  /** Selects the objects Kiln manages for one kind of owner (those carrying its label). */
  public static String selector(String label) {
    return KilnLabels.MANAGED_SELECTOR + "," + label;
  }
}
