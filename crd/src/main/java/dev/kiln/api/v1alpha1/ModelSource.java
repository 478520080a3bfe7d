package dev.kiln.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/** Which model a ModelServer serves: one TrainingJob's, the newest qualified one, or a URI. */
@ValidationRule(
    value =
        "(has(self.trainingJobRef) ? 1 : 0) + (has(self.latest) ? 1 : 0) + (has(self.uri) ? 1 : 0)"
            + " == 1",
    message = "model: set exactly one of trainingJobRef, latest or uri")
@ValidationRule(
    value = "!has(self.credentialsSecret) || has(self.uri)",
    message = "model.credentialsSecret applies only to model.uri")
@Data
@Builder(toBuilder = true)
@NoArgsConstructor
@AllArgsConstructor
public class ModelSource implements ApiType {
  /** A TrainingJob in the ModelServer's namespace, by name. */
  @Data
  @NoArgsConstructor
  @AllArgsConstructor
  public static class TrainingJobRef implements ApiType {
    @JsonPropertyDescription("Name of the TrainingJob whose model to serve once it has succeeded.")
    @Required
    @Size(max = Validation.MAX_SUBDOMAIN)
    @Pattern(Validation.DNS1123_SUBDOMAIN)
    private String name;
  }

  /** The newest succeeded and qualified TrainingJob among those a label selector matches. */
  @Data
  @NoArgsConstructor
  @AllArgsConstructor
  public static class Latest implements ApiType {
    @JsonPropertyDescription(
        "Labels of the candidate TrainingJobs. The newest Succeeded one whose ModelQualified is"
            + " not False is served, and a newer one rolls out automatically.")
    @Required
    @ValidationRule(
        value =
            "!has(self.matchExpressions) || self.matchExpressions.all(e, e.operator in ['In',"
                + " 'NotIn', 'Exists', 'DoesNotExist'])",
        message = "matchExpressions[].operator must be In, NotIn, Exists or DoesNotExist")
    @ValidationRule(
        value =
            "!has(self.matchExpressions) || self.matchExpressions.all(e, e.operator in ['Exists',"
                + " 'DoesNotExist'] ? (!has(e.values) || size(e.values) == 0) : (has(e.values) &&"
                + " size(e.values) > 0))",
        message =
            "matchExpressions[].values must be set for In and NotIn and empty for Exists and"
                + " DoesNotExist")
    private LabelSelector selector;
  }

  @JsonPropertyDescription("Serve the model of this TrainingJob.")
  private TrainingJobRef trainingJobRef;

  @JsonPropertyDescription("Serve the newest qualified model among matching TrainingJobs.")
  private Latest latest;

  @JsonPropertyDescription(
      "Serve the model at this URI: pvc://<claim>/<path>, s3://<bucket>/<key> or https://<url>.")
  @Size(max = Validation.MAX_URI)
  @Pattern(Validation.SOURCE_URI)
  @ValidationRule(
      value = Validation.NO_USERINFO,
      message = "model.uri" + Validation.NO_USERINFO_MESSAGE + "model.credentialsSecret")
  private String uri;

  @JsonPropertyDescription("Secret with credentials for an s3:// or https:// uri.")
  @Size(max = Validation.MAX_SUBDOMAIN)
  @Pattern(Validation.DNS1123_SUBDOMAIN)
  private String credentialsSecret;

  @JsonPropertyDescription("Model format; the reference server loads onnx.")
  @Default("onnx")
  @Size(max = 32)
  @Pattern("^[a-z0-9][a-z0-9._-]*$")
  private String format;
}
