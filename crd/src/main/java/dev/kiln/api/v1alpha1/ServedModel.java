package dev.kiln.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/** Lineage of the model being served: where it is and which training run made it. */
@Data
@Builder(toBuilder = true)
@NoArgsConstructor
@AllArgsConstructor
public class ServedModel extends UnknownFields implements ApiType {
  @JsonPropertyDescription("Where the served model is.")
  private String uri;

  @JsonPropertyDescription("SHA-256 of the model file, when known.")
  private String sha256;

  @JsonPropertyDescription("Model format.")
  private String format;

  @JsonPropertyDescription("The TrainingJob that produced the model.")
  private String trainingJob;

  @JsonPropertyDescription("UID of that TrainingJob, so a re-created job of the same name differs.")
  private String trainingJobUid;
}
