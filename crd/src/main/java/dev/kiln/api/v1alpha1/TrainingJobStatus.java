package dev.kiln.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Map;
import lombok.Data;

/** What Kiln observed of a training run. Written by the operator only. */
@Data
public class TrainingJobStatus extends UnknownFields implements ApiType, ReadTolerantly {
  @JsonPropertyDescription("Pending, Queued, Running, Succeeded, Failed or Suspended.")
  private TrainingJobPhase phase;

  @JsonPropertyDescription(
      "Accepted, Running, Succeeded, Failed, Suspended, Stalled and ModelQualified.")
  @Size(max = 16)
  private List<Condition> conditions;

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("The Kubernetes Job running the training.")
  private String jobName;

  @JsonPropertyDescription(
      "Pods that have run the trainer so far (1 + retries for one worker); pods still starting"
          + " do not count.")
  private Integer attempts;

  @JsonPropertyDescription("When the training Job was started (RFC 3339).")
  private String startTime;

  @JsonPropertyDescription("When the run finished (RFC 3339).")
  private String completionTime;

  @JsonPropertyDescription("The latest progress report.")
  private Progress progress;

  @JsonPropertyDescription("Latest reported scalar metrics, name to decimal string.")
  @Size(max = Validation.MAX_MAP)
  private Map<String, String> metrics;

  @JsonPropertyDescription("spec.keyMetric and its latest value, e.g. accuracy=0.973.")
  private String keyMetric;

  @JsonPropertyDescription("The trained model, once the run succeeded.")
  private Artifact artifact;

  @JsonPropertyDescription("Why the run failed.")
  private Failure failure;

  @JsonPropertyDescription(
      "The Pod Security Standard level the pods are built for (restricted or baseline): the"
          + " namespace must admit at least this level. Set once the pods' Job exists.")
  private PodSecurityLevel podSecurityLevel;

  /**
   * Set when the stored status could not be read ({@link TolerantReader}); then every other field
   * is unset, and the status must not be written: it would replace what was stored. Not in the
   * schema.
   */
  @JsonIgnore private Unreadable unreadable;

  @Override
  protected void keepNested(UnknownFields older) {
    TrainingJobStatus was = (TrainingJobStatus) older;
    keepConditions(was.conditions, conditions);
    keep(was.progress, progress);
    keep(was.artifact, artifact);
    keep(was.failure, failure);
  }
}
