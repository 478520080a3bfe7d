package dev.kiln.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;
import lombok.Data;

/**
 * A training run: the image to run, its data, its workspace and how to judge its result. equals and
 * toString include WorkloadSpec's fields (lombok.config).
 */
@Data
public class TrainingJobSpec extends WorkloadSpec {
  @JsonPropertyDescription("The training image. It follows Kiln's pod contract (KILN_* env).")
  @Required
  @Size(max = Validation.MAX_IMAGE)
  @Pattern(Validation.IMAGE)
  private String image;

  @JsonPropertyDescription(
      "Hyperparameters, name to value. The trainer gets each as KILN_HP_<NAME> (upper snake"
          + " case) and all of them as one JSON file at $KILN_HPARAMS_FILE.")
  @Size(max = Validation.MAX_MAP)
  @ValidationRule(
      value = "self.all(k, k.matches('^[A-Za-z][A-Za-z0-9_.-]*$') && size(k) <= 63)",
      message =
          "hyperparameter names must start with a letter and contain only letters, digits, '_',"
              + " '.' or '-' (at most 63 characters)")
  private Map<String, @Size(max = Validation.MAX_HYPERPARAMETER) String> hyperparameters;

  @JsonPropertyDescription("The training data, fetched into $KILN_DATA_DIR before training.")
  private Dataset dataset;

  @JsonPropertyDescription("A data-preparation step that runs after the fetch, before training.")
  private PrepareStep prepare;

  @JsonPropertyDescription(
      "The volume for data/, checkpoints/ and model/. Kiln creates a 10Gi volume if unset.")
  private Workspace workspace;

  @JsonPropertyDescription(
      "Where to upload the model after success; it stays on the workspace if unset.")
  private Output output;

  @JsonPropertyDescription(
      "The metrics file a trainer without a termination message writes, relative to"
          + " KILN_MODEL_DIR: a flat JSON object of numbers, read into status.metrics after the"
          + " run (default metrics.json).")
  @Size(max = 255)
  @Pattern(Validation.RELATIVE_PATH)
  private String metricsFile;

  @JsonPropertyDescription(
      "Number of worker pods. More than 1 runs an Indexed Job with a headless Service for"
          + " rendezvous (KILN_WORKERS, KILN_WORKER_INDEX, KILN_COORDINATOR_ADDR).")
  @Min(1)
  @Max(Validation.MAX_WORKERS)
  @Default("1")
  private Integer workers;

  @JsonPropertyDescription("Retries of a failed pod before the run fails (default 3).")
  @Min(0)
  @Max(100)
  private Integer backoffLimit;

  @JsonPropertyDescription("Maximum wall-clock seconds for the whole run, retries included.")
  @Min(1)
  @Max(Validation.MAX_SECONDS)
  private Long activeDeadlineSeconds;

  @JsonPropertyDescription(
      "Seconds the pods may take to start (image pull, scheduling, configuration) before the run"
          + " fails with StartupDeadlineExceeded (default 600).")
  @Min(1)
  @Max(Validation.MAX_SECONDS)
  private Long startupDeadlineSeconds;

  @JsonPropertyDescription(
      "Seconds without a progress report before the run is marked Stalled (not failed).")
  @Min(1)
  @Max(Validation.MAX_SECONDS)
  private Long progressDeadlineSeconds;

  @JsonPropertyDescription(
      "Seconds after the run finished when its Job and pods are deleted. The TrainingJob and its"
          + " status stay; the workspace follows workspace.retainPolicy.")
  @Min(0)
  @Max(Validation.MAX_SECONDS)
  private Long ttlSecondsAfterFinished;

  @JsonPropertyDescription(
      "Pauses the run (its pods are stopped; resuming restarts them from the last checkpoint)."
          + " Only the user sets it: with the kueue.x-k8s.io/queue-name label, Kueue admits and"
          + " preempts the Job, not this field.")
  private Boolean suspend;

  @JsonPropertyDescription(
      "Checks on the final metrics, all of which must hold for the model to be served from a"
          + " ModelServer's latest selector (condition ModelQualified).")
  @Size(max = 16)
  private List<QualityGateRule> qualityGate;

  @JsonPropertyDescription(
      "The metric shown in `kubectl get tj -o wide`; the first qualityGate metric if unset.")
  @Size(max = Validation.MAX_NAME)
  @Pattern(Validation.METRIC_NAME)
  private String keyMetric;
}
