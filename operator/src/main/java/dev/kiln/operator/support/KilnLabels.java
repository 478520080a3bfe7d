package dev.kiln.operator.support;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.LinkedHashMap;
import java.util.Map;

/** The labels and owner references every object Kiln creates carries (docs/design.md#children). */
public final class KilnLabels {
  /** The prefix of Kubernetes' recommended labels. */
  private static final String APP = "app.kubernetes.io/";

  /** The prefix of Kiln's own labels and annotations. */
  public static final String KILN = "kiln.dev/";

  public static final String NAME = APP + "name";
  public static final String INSTANCE = APP + "instance";
  public static final String COMPONENT = APP + "component";
  public static final String PART_OF = APP + "part-of";
  public static final String MANAGED_BY = APP + "managed-by";
  public static final String TRAINING_JOB = KILN + "trainingjob";
  public static final String MODEL_SERVER = KILN + "modelserver";
  public static final String MANAGER = "kiln-operator";

  /** Selects everything Kiln manages: the informers of child kinds watch only this. */
  public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + MANAGER;

  private KilnLabels() {}

  /** The standard labels plus the owner's kiln.dev/ label. */
  public static Map<String, String> of(
      String ownerLabel, String ownerName, String appName, String component) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME, appName);
    labels.put(INSTANCE, ownerName);
    labels.put(COMPONENT, component);
    labels.put(PART_OF, "kiln");
    labels.put(MANAGED_BY, MANAGER);
    labels.put(ownerLabel, ownerName);
    return labels;
  }

  /**
   * A controller owner reference, set explicitly with controller: true so garbage collection and
   * JOSDK's owner mapping both work (the mock API server does not set it).
   */
  public static OwnerReference controllerReference(HasMetadata owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }
}
