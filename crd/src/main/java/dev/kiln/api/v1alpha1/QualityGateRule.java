package dev.kiln.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/** One condition a succeeded run's final metrics must meet before its model may be served. */
@Data
@Builder(toBuilder = true)
@NoArgsConstructor
@AllArgsConstructor
public class QualityGateRule implements ApiType {
  /** How the metric is compared with the value. */
  public enum Operator {
    @JsonProperty(">=")
    GREATER_OR_EQUAL,
    @JsonProperty(">")
    GREATER,
    @JsonProperty("<=")
    LESS_OR_EQUAL,
    @JsonProperty("<")
    LESS
  }

  @JsonPropertyDescription("The final metric to check, as reported by the trainer, e.g. accuracy.")
  @Required
  @Size(max = Validation.MAX_NAME)
  @Pattern(Validation.METRIC_NAME)
  private String metric;

  @JsonPropertyDescription("Comparison: >=, >, <= or <.")
  @Required
  private Operator op;

  @JsonPropertyDescription("The threshold the metric is compared with.")
  @Required
  private Double value;
}
