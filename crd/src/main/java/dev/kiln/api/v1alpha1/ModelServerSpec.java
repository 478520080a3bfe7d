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
@ValidationRule(
    value = "!has(self.grpcPort) || self.grpcPort != (has(self.port) ? self.port : 8080)",
    message = "spec.grpcPort must differ from spec.port")
@ValidationRule(
    value = "has(self.grpcPort) || has(self.image) || (has(self.port) ? self.port : 8080) != 8081",
    message =
        "spec.port 8081 is the reference server's gRPC port (spec.grpcPort's default): set"
            + " spec.grpcPort to another port")
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

  /**
   * No schema default: the reference server always serves gRPC (8081 unless set), while a custom
   * image may not speak it, so for one the port exists only when the user names it.
   */
  @JsonPropertyDescription(
      "Port of the Open Inference Protocol's gRPC endpoint, which the Service exposes as port"
          + " grpc. The reference server's is 8081 if unset; a custom image (spec.image) gets one"
          + " only if this is set. Must differ from port.")
  @Min(1)
  @Max(65535)
  private Integer grpcPort;

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
