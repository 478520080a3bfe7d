package dev.kiln.operator.trainingjob;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobSpec;
import dev.kiln.api.v1alpha1.Validation;
import dev.kiln.api.v1alpha1.Workspace;
import dev.kiln.operator.support.PodOverridesValidator;
import dev.kiln.operator.support.WorkloadPods;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks what the CRD schema cannot (or what a cluster without CEL would let through), so a bad
 * spec fails once with a message naming the field instead of looping on API errors.
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
          "metadata.name: must be at most "
              + TrainingJobNames.MAX_NAME_LENGTH
              + " characters, because Kiln derives Job, pod and Service names from it (has "
              + name.length()
              + ")");
    }
    if (spec == null || spec.getImage() == null || spec.getImage().isBlank()) {
      problems.add("spec.image: is required");
      return problems;
    }
    checkHyperparameterNames(spec, problems);
    WorkloadPods.reservedEnvNames(spec.getEnv())
        .forEach(
            reserved ->
                problems.add(
                    "spec.env: "
                        + reserved
                        + " is reserved for the pod contract (names starting with KILN_)"));
    checkResources("spec.resources", spec.getResources(), problems);
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

  private static void checkResources(
      String path, ResourceRequirements resources, List<String> problems) {
    if (resources == null) {
      return;
    }
    check(path + ".requests", resources.getRequests(), problems);
    check(path + ".limits", resources.getLimits(), problems);
  }

  private static void check(String path, Map<String, Quantity> quantities, List<String> problems) {
    if (quantities != null) {
      quantities.forEach((k, v) -> checkQuantity(path + "." + k, v.toString(), problems));
    }
  }

  private static void checkQuantity(String path, String value, List<String> problems) {
    try {
      if (Quantity.getAmountInBytes(new Quantity(value)).signum() < 0) {
        problems.add(path + ": must not be negative, got '" + value + "'");
      }
    } catch (RuntimeException e) {
      problems.add(path + ": '" + value + "' is not a valid quantity (e.g. 500m, 2, 4Gi)");
    }
  }
}
