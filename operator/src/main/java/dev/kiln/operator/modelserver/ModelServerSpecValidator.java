package dev.kiln.operator.modelserver;

import dev.kiln.api.v1alpha1.Autoscaling;
import dev.kiln.api.v1alpha1.CoreFieldRules;
import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.ModelServerSpec;
import dev.kiln.api.v1alpha1.ModelSource;
import dev.kiln.api.v1alpha1.ServerHealth;
import dev.kiln.api.v1alpha1.StorageUri;
import dev.kiln.api.v1alpha1.Validation;
import dev.kiln.operator.support.PodOverridesValidator;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the CRD schema cannot check (or an API server without CEL would let through): each problem
 * names the field. A ModelServer with problems fails once with InvalidSpec instead of retrying. The
 * core Kubernetes fields are checked by the crd module's {@link CoreFieldRules}, the same rules the
 * CRD carries.
 */
public final class ModelServerSpecValidator {
  private ModelServerSpecValidator() {}

  public static List<String> problems(ModelServer ms) {
    List<String> problems = new ArrayList<>();
    name(ms.getMetadata().getName(), problems);
    ModelServerSpec spec = ms.getSpec();
    if (spec == null) {
      problems.add("spec is required");
      return problems;
    }
    if (spec.getUnreadable() != null) {
      problems.add(spec.getUnreadable().problem()); // the rest of the spec is unknown
      return problems;
    }
    model(spec.getModel(), problems);
    autoscaling(spec.getAutoscaling(), problems);
    if (spec.getPort() != null && (spec.getPort() < 1 || spec.getPort() > 65535)) {
      problems.add("spec.port must be 1-65535");
    }
    grpcPort(spec, problems);
    if (spec.getReplicas() != null && spec.getReplicas() < 0) {
      problems.add("spec.replicas must not be negative");
    }
    CoreFieldRules.check(spec, problems);
    PodOverridesValidator.check(spec, problems);
    health(spec, problems);
    return problems;
  }

  private static void name(String name, List<String> problems) {
    if (name.length() > Validation.MAX_NAME || !name.matches(Validation.DNS1035_LABEL)) {
      problems.add(
          "metadata.name '"
              + name
              + "' must be at most 63 characters, start with a letter and contain only a-z, 0-9"
              + " and '-': it names the Service");
    }
  }

  private static void model(ModelSource model, List<String> problems) {
    if (model == null) {
      problems.add("spec.model is required");
      return;
    }
    int set =
        (model.getTrainingJobRef() != null ? 1 : 0)
            + (model.getLatest() != null ? 1 : 0)
            + (model.getUri() != null ? 1 : 0);
    if (set != 1) {
      problems.add("spec.model: set exactly one of trainingJobRef, latest or uri");
    }
    if (model.getUri() != null && !model.getUri().matches(Validation.SOURCE_URI)) {
      problems.add(
          "spec.model.uri '"
              + StorageUri.redacted(model.getUri())
              + "' must be pvc://<claim>/<path>, s3://<bucket>/<key> or https://<url>");
    }
    if (model.getCredentialsSecret() != null
        && (model.getUri() == null || StorageUri.parse(model.getUri()).isPvc())) {
      problems.add("spec.model.credentialsSecret applies only to an s3:// or https:// uri");
    }
    if (model.getLatest() != null && model.getLatest().getSelector() == null) {
      problems.add("spec.model.latest.selector is required");
    } else if (model.getLatest() != null) {
      selector(model.getLatest().getSelector(), problems);
    }
    if (model.getTrainingJobRef() != null && model.getTrainingJobRef().getName() == null) {
      problems.add("spec.model.trainingJobRef.name is required");
    }
  }

  /** The CRD's selector rules, again, for objects admitted under an older CRD. */
  private static void selector(LabelSelector selector, List<String> problems) {
    List<LabelSelectorRequirement> expressions =
        Objects.requireNonNullElse(selector.getMatchExpressions(), List.of());
    for (int i = 0; i < expressions.size(); i++) {
      LabelSelectorRequirement e = expressions.get(i);
      String path = "spec.model.latest.selector.matchExpressions[" + i + "]";
      boolean hasValues = e.getValues() != null && !e.getValues().isEmpty();
      switch (Objects.requireNonNullElse(e.getOperator(), "")) {
        case "In", "NotIn" -> {
          if (!hasValues) {
            problems.add(path + ".values: Required value: must be specified for In and NotIn");
          }
        }
        case "Exists", "DoesNotExist" -> {
          if (hasValues) {
            problems.add(path + ".values: Forbidden: must be empty for Exists and DoesNotExist");
          }
        }
        default ->
            problems.add(
                path
                    + ".operator: Unsupported value: \""
                    + e.getOperator()
                    + "\": supported values: \"In\", \"NotIn\", \"Exists\", \"DoesNotExist\"");
      }
    }
  }

  private static void autoscaling(Autoscaling a, List<String> problems) {
    if (a == null) {
      return;
    }
    if (a.getMaxReplicas() == null) {
      problems.add("spec.autoscaling.maxReplicas is required");
    } else if (ServerReplicas.minReplicas(a) > a.getMaxReplicas()) {
      problems.add(
          "spec.autoscaling.minReplicas must be less than or equal to"
              + " spec.autoscaling.maxReplicas");
    }
  }

  /** The CRD's gRPC port rules, again: in range and not the HTTP port. */
  private static void grpcPort(ModelServerSpec spec, List<String> problems) {
    Integer grpc = spec.getGrpcPort();
    int http = Objects.requireNonNullElse(spec.getPort(), ModelServerNames.DEFAULT_PORT);
    if (grpc != null && (grpc < 1 || grpc > 65535)) {
      problems.add("spec.grpcPort must be 1-65535");
    } else if (grpc != null && grpc == http) {
      problems.add("spec.grpcPort must differ from spec.port");
    } else if (grpc == null
        && spec.getImage() == null
        && http == ModelServerNames.DEFAULT_GRPC_PORT) {
      problems.add(
          "spec.port 8081 is the reference server's gRPC port (spec.grpcPort's default): set"
              + " spec.grpcPort to another port");
    }
  }

  /** The CRD's health rules, again: a path for a custom image only. */
  private static void health(ModelServerSpec spec, List<String> problems) {
    ServerHealth health = spec.getHealth();
    if (health == null) {
      return;
    }
    if (spec.getImage() == null) {
      problems.add(
          "spec.health: applies only to a custom server image (spec.image); Kiln's server answers"
              + " /v2/health/ready and /v2/health/live");
    }
    path("spec.health.readinessPath", health.getReadinessPath(), problems);
    path("spec.health.livenessPath", health.getLivenessPath(), problems);
  }

  private static void path(String field, String path, List<String> problems) {
    if (path != null && (path.length() > 256 || !path.matches(ServerHealth.HTTP_PATH))) {
      problems.add(field + ": '" + path + "' must be an absolute HTTP path such as /health");
    }
  }
}
