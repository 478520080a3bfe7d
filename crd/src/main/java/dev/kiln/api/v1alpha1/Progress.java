package dev.kiln.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/** How far a training run has come, from the trainer's latest report. */
@Data
@Builder(toBuilder = true)
@NoArgsConstructor
@AllArgsConstructor
public class Progress extends UnknownFields implements ApiType {
  @JsonPropertyDescription("Percent done, 0-100, from steps (or epochs) done of the total.")
  private Integer percent;

  @JsonPropertyDescription("The epoch being trained.")
  private Long epoch;

  @JsonPropertyDescription("Epochs in the run.")
  private Long totalEpochs;

  @JsonPropertyDescription("The step being trained.")
  private Long step;

  @JsonPropertyDescription("Steps in the run.")
  private Long totalSteps;

  @JsonPropertyDescription("Estimated seconds left, from the rate of recent reports.")
  private Long etaSeconds;

  @JsonPropertyDescription("When the trainer last reported (RFC 3339).")
  private String lastReportTime;
}
