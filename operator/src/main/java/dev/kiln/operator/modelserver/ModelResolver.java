package dev.kiln.operator.modelserver;

import dev.kiln.api.v1alpha1.Artifact;
import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.ModelServerConditions;
import dev.kiln.api.v1alpha1.ModelSource;
import dev.kiln.api.v1alpha1.ServedModel;
import dev.kiln.api.v1alpha1.StorageUri;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobConditions;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.api.v1alpha1.TrainingJobStatus;
import dev.kiln.operator.support.ConditionSet;
import dev.kiln.operator.support.Times;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Resolves spec.model to a concrete model, from the TrainingJobs of the ModelServer's namespace.
 * Pure: the reconciler passes the informer's cached TrainingJobs.
 */
public final class ModelResolver {
  public static final String DEFAULT_FORMAT = "onnx";

  private ModelResolver() {}

  /** The model to serve, refused when Kiln's own server would be asked to load a non-ONNX one. */
  public static ModelResolution resolve(ModelServer ms, Collection<TrainingJob> trainingJobs) {
    return servableByTheServer(ms, resolveSource(ms, trainingJobs));
  }

  /**
   * Kiln's reference server loads ONNX only; a pkl, joblib or pt model needs a server image that
   * can (spec.image), which gets the format as KILN_MODEL_FORMAT and decides for itself.
   */
  static ModelResolution servableByTheServer(ModelServer ms, ModelResolution resolution) {
    if (!resolution.isResolved()
        || ms.getSpec().getImage() != null
        || DEFAULT_FORMAT.equals(resolution.model().getFormat())) {
      return resolution;
    }
    String format = resolution.model().getFormat();
    return ModelResolution.failed(
        ModelServerConditions.UNSUPPORTED_MODEL_FORMAT,
        StorageUri.redacted(resolution.model().getUri())
            + " is a "
            + format
            + " model and Kiln's own server loads onnx only: set spec.image to a server image"
            + " that loads "
            + format
            + " (it gets KILN_MODEL_DIR, KILN_MODEL_FORMAT and KILN_PORT), or export the model"
            + " to ONNX");
  }

  private static ModelResolution resolveSource(
      ModelServer ms, Collection<TrainingJob> trainingJobs) {
    ModelSource source = ms.getSpec().getModel();
    String namespace = ms.getMetadata().getNamespace();
    List<TrainingJob> sameNamespace =
        trainingJobs.stream()
            .filter(tj -> Objects.equals(namespace, tj.getMetadata().getNamespace()))
            .toList();
    if (source.getTrainingJobRef() != null) {
      return fromTrainingJob(source, source.getTrainingJobRef().getName(), sameNamespace);
    }
    if (source.getLatest() != null) {
      return latest(source, sameNamespace);
    }
    return ModelResolution.resolved(
        ServedModel.builder().uri(source.getUri()).format(format(source, null)).build(),
        "Serving " + StorageUri.redacted(source.getUri()));
  }

  private static ModelResolution fromTrainingJob(
      ModelSource source, String name, List<TrainingJob> trainingJobs) {
    Optional<TrainingJob> found =
        trainingJobs.stream().filter(tj -> name.equals(tj.getMetadata().getName())).findFirst();
    if (found.isEmpty()) {
      return ModelResolution.failed(
          ModelServerConditions.TRAINING_JOB_NOT_FOUND,
          "TrainingJob " + name + " does not exist (it is served as soon as it appears)");
    }
    TrainingJob tj = found.get();
    TrainingJobPhase phase = phase(tj);
    if (phase == TrainingJobPhase.Failed) {
      String why =
          tj.getStatus().getFailure() != null && tj.getStatus().getFailure().getReason() != null
              ? " (" + tj.getStatus().getFailure().getReason() + ")"
              : "";
      return ModelResolution.failed(
          ModelServerConditions.TRAINING_JOB_FAILED,
          "TrainingJob " + name + " failed" + why + "; it has no model");
    }
    if (phase != TrainingJobPhase.Succeeded || artifactUri(tj) == null) {
      return ModelResolution.waiting(
          ModelServerConditions.WAITING_FOR_TRAINING_JOB,
          "waiting for TrainingJob "
              + name
              + " to succeed (phase "
              + (phase == null ? "Pending" : phase.name())
              + ")");
    }
    return ModelResolution.resolved(
        lineage(source, tj), "Serving the model of TrainingJob " + name + ": " + artifactUri(tj));
  }

  private static ModelResolution latest(ModelSource source, List<TrainingJob> trainingJobs) {
    var selector = source.getLatest().getSelector();
    List<TrainingJob> matching =
        trainingJobs.stream()
            .filter(tj -> LabelSelectors.matches(selector, tj.getMetadata().getLabels()))
            .toList();
    Optional<TrainingJob> newest = matching.stream().filter(ModelResolver::servable).max(NEWEST);
    if (newest.isEmpty()) {
      long unqualified =
          matching.stream()
              .filter(tj -> phase(tj) == TrainingJobPhase.Succeeded && !servable(tj))
              .count();
      return ModelResolution.waiting(
          ModelServerConditions.NO_QUALIFIED_MODEL,
          "no Succeeded and qualified TrainingJob matches "
              + LabelSelectors.describe(selector)
              + " yet ("
              + matching.size()
              + " match"
              + (unqualified > 0 ? ", " + unqualified + " failed their quality gate" : "")
              + ")");
    }
    TrainingJob tj = newest.get();
    return ModelResolution.resolved(
        lineage(source, tj),
        "Serving the newest qualified model, from TrainingJob "
            + tj.getMetadata().getName()
            + ": "
            + artifactUri(tj));
  }

  /** Succeeded, has a model, and its quality gate did not fail (ModelQualified is not False). */
  static boolean servable(TrainingJob tj) {
    if (phase(tj) != TrainingJobPhase.Succeeded || artifactUri(tj) == null) {
      return false;
    }
    return ConditionSet.find(tj.getStatus().getConditions(), TrainingJobConditions.MODEL_QUALIFIED)
        .map(c -> !ConditionSet.FALSE.equals(c.getStatus()))
        .orElse(true);
  }

  /** Newest by completion time, then creation time, then name (so the choice is stable). */
  static final Comparator<TrainingJob> NEWEST =
      Comparator.comparing(
              (TrainingJob tj) -> instant(tj.getStatus().getCompletionTime()),
              Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(
              tj -> instant(tj.getMetadata().getCreationTimestamp()),
              Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(tj -> tj.getMetadata().getName());

  private static Instant instant(String timestamp) {
    return Times.parse(timestamp);
  }

  private static ServedModel lineage(ModelSource source, TrainingJob tj) {
    Artifact a = tj.getStatus().getArtifact();
    return ServedModel.builder()
        .uri(a.getUri())
        .sha256(a.getSha256())
        .format(format(source, a))
        .trainingJob(tj.getMetadata().getName())
        .trainingJobUid(tj.getMetadata().getUid())
        .build();
  }

  private static String format(ModelSource source, Artifact artifact) {
    if (artifact != null && artifact.getFormat() != null) {
      return artifact.getFormat();
    }
    return source.getFormat() != null ? source.getFormat() : DEFAULT_FORMAT;
  }

  private static TrainingJobPhase phase(TrainingJob tj) {
    TrainingJobStatus s = tj.getStatus();
    return s == null ? null : s.getPhase();
  }

  private static String artifactUri(TrainingJob tj) {
    TrainingJobStatus s = tj.getStatus();
    return s == null || s.getArtifact() == null
        ? null
        : StorageUri.redacted(s.getArtifact().getUri());
  }

  /**
   * The served model as status shows it, with the URI the loader needs: status redacts a user or
   * password in the URI, which only spec.model.uri still has. Null (children left as they are) when
   * the spec no longer has that URI.
   */
  static ServedModel unredacted(ServedModel shown, ModelServer ms) {
    if (shown == null
        || shown.getUri() == null
        || !shown.getUri().contains(StorageUri.REDACTED + "@")) {
      return shown;
    }
    String specUri = ms.getSpec().getModel() == null ? null : ms.getSpec().getModel().getUri();
    return Objects.equals(shown.getUri(), StorageUri.redacted(specUri))
        ? shown.toBuilder().uri(specUri).build()
        : null;
  }

  /** True when this TrainingJob can matter to the ModelServer (the mapping for its informer). */
  public static boolean concerns(ModelServer ms, TrainingJob tj) {
    if (ms.getSpec() == null || ms.getSpec().getModel() == null) {
      return false;
    }
    if (!Objects.equals(ms.getMetadata().getNamespace(), tj.getMetadata().getNamespace())) {
      return false;
    }
    ModelSource source = ms.getSpec().getModel();
    if (source.getTrainingJobRef() != null) {
      return tj.getMetadata().getName().equals(source.getTrainingJobRef().getName());
    }
    if (source.getLatest() != null) {
      return LabelSelectors.matches(source.getLatest().getSelector(), tj.getMetadata().getLabels());
    }
    return false;
  }
}
