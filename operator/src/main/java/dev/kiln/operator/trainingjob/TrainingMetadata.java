package dev.kiln.operator.trainingjob;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.operator.support.KilnLabels;
import dev.kiln.operator.trainingjob.TrainingJobNames.Child;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;

/** The name, labels and owner every object of a TrainingJob carries. */
public final class TrainingMetadata {
  public static final String APP_NAME = "kiln-training";

  private TrainingMetadata() {}

  /** Kiln's standard labels for one component of the run. */
  public static Map<String, String> labels(TrainingJob tj, String component) {
    return KilnLabels.of(KilnLabels.TRAINING_JOB, tj.getMetadata().getName(), APP_NAME, component);
  }

  /**
   * Metadata of a child object: its name and component labels; {@code owned} adds the TrainingJob
   * as controller owner, so deleting the TrainingJob deletes the child.
   */
  public static ObjectMeta build(TrainingJob tj, Child child, boolean owned) {
    ObjectMetaBuilder meta =
        new ObjectMetaBuilder()
            .withName(TrainingJobNames.name(tj, child))
            .withNamespace(tj.getMetadata().getNamespace())
            .withLabels(labels(tj, child.component()));
    if (owned) {
      meta.withOwnerReferences(KilnLabels.controllerReference(tj));
    }
    return meta.build();
  }
}
