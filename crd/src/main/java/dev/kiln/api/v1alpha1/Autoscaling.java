package dev.kiln.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/** Scale a ModelServer with a HorizontalPodAutoscaler on CPU utilisation. */
@ValidationRule(
    value =
        "!has(self.minReplicas) || !has(self.maxReplicas) || self.minReplicas <="
            + " self.maxReplicas",
    message = "autoscaling.minReplicas must be less than or equal to autoscaling.maxReplicas")
@Data
@Builder(toBuilder = true)
@NoArgsConstructor
@AllArgsConstructor
public class Autoscaling implements ApiType {
  @JsonPropertyDescription("Fewest replicas (default 1).")
  @Min(1)
  @Max(1000)
  private Integer minReplicas;

  @JsonPropertyDescription("Most replicas.")
  @Required
  @Min(1)
  @Max(1000)
  private Integer maxReplicas;

  @JsonPropertyDescription("Average CPU utilisation to aim for, percent of requests (default 80).")
  @JsonProperty("targetCPUUtilizationPercentage")
  @Min(1)
  @Max(100)
  private Integer targetCpuUtilizationPercentage;
}
