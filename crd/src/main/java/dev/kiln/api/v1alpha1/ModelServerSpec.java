package dev.kiln.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Data;

/**
 * A model served over the Open Inference Protocol by a Deployment and a Service. equals and
 * toString include WorkloadSpec's fields (lombok.config).
 */
@ValidationRule(
    value = "!has(self.health) || has(self.image)",
    message =
        "health applies only to a custom server image (spec.image); Kiln's server answers"
            + " /v2/health/ready and /v2/health/live")
@Data
public class ModelServerSpec extends WorkloadSpec {
  @JsonPropertyDescription("The model to serve.")
  @Required
  private ModelSource model;

  @JsonPropertyDescription("The inference image; the operator's reference model server if unset.")
  @Size(max = Validation.MAX_IMAGE)
  @Pattern(Validation.IMAGE)
  private String image;

  @JsonPropertyDescription(
      "The probe paths of a custom server image; the Open Inference Protocol's if unset.")
  private ServerHealth health;

  @JsonPropertyDescription("Port the server listens on and the Service exposes.")
  @Min(1)
  @Max(65535)
  @Default("8080")
  private Integer port;

  @JsonPropertyDescription("Replicas when autoscaling is not set.")
  @Min(0)
  @Max(1000)
  @Default("1")
  private Integer replicas;

  @JsonPropertyDescription("Scale on CPU with a HorizontalPodAutoscaler instead of fixed replicas.")
  private Autoscaling autoscaling;

  @JsonPropertyDescription("Restrict who may call the server (on by default).")
  private NetworkPolicySpec networkPolicy;
}
