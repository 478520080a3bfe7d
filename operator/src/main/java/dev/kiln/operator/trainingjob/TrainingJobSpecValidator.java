package dev.kiln.operator.trainingjob;

import dev.kiln.api.v1alpha1.CoreFieldRules;
import dev.kiln.api.v1alpha1.Quantities;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobSpec;
import dev.kiln.api.v1alpha1.Validation;
import dev.kiln.api.v1alpha1.Workspace;
import dev.kiln.operator.support.PodOverridesValidator;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks what the CRD schema cannot (or what a cluster without CEL would let through), so a bad
 * spec fails once with a message naming the field instead of looping on API errors. The core
 * Kubernetes fields are checked by the crd module's {@link CoreFieldRules}, the same rules the CRD
 * carries, so a spec the API server would refuse in the pod never gets a Job.
 */
public final class TrainingJobSpecValidator {
  private TrainingJobSpecValidator() {}

  /** The problems with a TrainingJob, each naming its field; empty when it can run. */
  public static List<String> problems(TrainingJob tj) {
    List<String> problems = new ArrayList<>();
    TrainingJobSpec spec = tj.getSpec();
    String name = tj.getMetadata().getName();
    if (name.length() > TrainingJobNames.MAX_NAME_LENGTH) {
      problems.add(
          "metadata.name: Too long: may not be longer than "
              + TrainingJobNames.MAX_NAME_LENGTH
              + ", because Kiln derives Job, pod and Service names from it (has "
              + name.length()
              + ")");
    }
    if (spec != null && spec.getUnreadable() != null) {
      problems.add(spec.getUnreadable().problem()); // the rest of the spec is unknown
      return problems;
    }
    if (spec == null || spec.getImage() == null || spec.getImage().isBlank()) {
      problems.add("spec.image: is required");
      return problems;
    }
    if (spec.getWorkers() != null && spec.getWorkers() > 1 && !name.matches("^[a-z].*")) {
      problems.add("metadata.name: " + TrainingJob.WORKERS_NEED_A_LETTER);
    }
    checkHyperparameterNames(spec, problems);
    CoreFieldRules.check(spec, problems);
    PodOverridesValidator.check(spec, problems);
    checkSeconds("spec.activeDeadlineSeconds", spec.getActiveDeadlineSeconds(), 1, problems);
    checkSeconds("spec.startupDeadlineSeconds", spec.getStartupDeadlineSeconds(), 1, problems);
    checkSeconds("spec.progressDeadlineSeconds", spec.getProgressDeadlineSeconds(), 1, problems);
    checkSeconds("spec.ttlSecondsAfterFinished", spec.getTtlSecondsAfterFinished(), 0, problems);
    Workspace ws = spec.getWorkspace();
    if (ws != null && (ws.getSize() == null) == (ws.getExistingClaim() == null)) {
      problems.add("spec.workspace: set exactly one of size or existingClaim");
    }
    if (ws != null && ws.getSize() != null) {
      checkQuantity("spec.workspace.size", ws.getSize(), problems);
    }
    return problems;
  }

  /** Two names that map to the same KILN_HP_ variable would silently shadow each other. */
  private static void checkHyperparameterNames(TrainingJobSpec spec, List<String> problems) {
    if (spec.getHyperparameters() == null) {
      return;
    }
    Map<String, String> seen = new HashMap<>();
    PodContract.hyperparameters(spec.getHyperparameters())
        .keySet()
        .forEach(
            key -> {
              String env = PodContract.hyperparameterEnvName(key);
              String other = seen.putIfAbsent(env, key);
              if (other != null) {
                problems.add(
                    "spec.hyperparameters: '"
                        + other
                        + "' and '"
                        + key
                        + "' both become "
                        + env
                        + "; rename one");
              }
            });
  }

  /** The CRD's bounds, again: an object admitted under an older CRD may still carry any long. */
  private static void checkSeconds(String path, Long value, long min, List<String> problems) {
    if (value != null && (value < min || value > Validation.MAX_SECONDS)) {
      problems.add(
          String.format(
              "%s: Invalid value: %d: must be between %d and %d (a year)",
              path, value, min, Validation.MAX_SECONDS));
    }
  }

  private static void checkQuantity(String path, String value, List<String> problems) {
    Optional<BigDecimal> quantity = Quantities.parse(value);
    if (quantity.isEmpty()) {
      problems.add(path + ": '" + value + "' is not a valid quantity (e.g. 500m, 2, 4Gi)");
    } else if (quantity.get().signum() < 0) {
      problems.add(path + ": must not be negative, got '" + value + "'");
    }
  }
}
