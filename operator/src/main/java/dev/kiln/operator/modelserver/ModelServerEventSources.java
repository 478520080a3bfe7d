package dev.kiln.operator.modelserver;

import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobConditions;
import dev.kiln.api.v1alpha1.TrainingJobStatus;
import dev.kiln.operator.support.ConditionSet;
import dev.kiln.operator.support.KilnLabels;
import dev.kiln.operator.support.OwnerLabel;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The ModelServer controller's informers besides its dependents': the server pods, and the
 * TrainingJobs whose models it serves.
 */
final class ModelServerEventSources {
  private ModelServerEventSources() {}

  /** Server pods are owned by ReplicaSets: they are mapped back by label. */
  static InformerEventSource<Pod, ModelServer> pods(EventSourceContext<ModelServer> context) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Pod.class, ModelServer.class)
            .withLabelSelector(SpecHashDependent.SELECTOR)
            .withSecondaryToPrimaryMapper(OwnerLabel.<Pod>mapper(KilnLabels.MODEL_SERVER))
            .build(),
        context);
  }

  /**
   * A TrainingJob finishing (or a newer one appearing) wakes the ModelServers that serve it: by
   * trainingJobRef name, or whose latest.selector matches its labels.
   */
  static InformerEventSource<TrainingJob, ModelServer> trainingJobs(
      EventSourceContext<ModelServer> context) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(TrainingJob.class, ModelServer.class)
            .withSecondaryToPrimaryMapper(
                tj ->
                    context
                        .getPrimaryCache()
                        .list(tj.getMetadata().getNamespace())
                        .filter(ms -> ModelResolver.concerns(ms, tj))
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .withOnUpdateFilter(ModelServerEventSources::mattersToServers)
            .build(),
        context);
  }

  /** Progress reports update TrainingJobs often; only these changes can change a model. */
  static boolean mattersToServers(TrainingJob now, TrainingJob before) {
    TrainingJobStatus a = now.getStatus();
    TrainingJobStatus b = before.getStatus();
    return !Objects.equals(now.getMetadata().getLabels(), before.getMetadata().getLabels())
        || !Objects.equals(phase(a), phase(b))
        || !Objects.equals(a == null ? null : a.getArtifact(), b == null ? null : b.getArtifact())
        || !Objects.equals(qualified(a), qualified(b))
        || !Objects.equals(
            a == null ? null : a.getCompletionTime(), b == null ? null : b.getCompletionTime());
  }

  private static Object phase(TrainingJobStatus s) {
    return s == null ? null : s.getPhase();
  }

  private static String qualified(TrainingJobStatus s) {
    return s == null
        ? null
        : ConditionSet.find(s.getConditions(), TrainingJobConditions.MODEL_QUALIFIED)
            .map(Condition::getStatus)
            .orElse(null);
  }
}
