package dev.kiln.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/** The trained model a run produced. */
@Data
@Builder(toBuilder = true)
@NoArgsConstructor
@AllArgsConstructor
public class Artifact extends UnknownFields implements ApiType {
  @JsonPropertyDescription(
      "Where the model is: pvc://<workspace>/model/<file>, or the output.uri it was uploaded to.")
  private String uri;

  @JsonPropertyDescription("SHA-256 of the model file, hex.")
  private String sha256;

  @JsonPropertyDescription("Size of the model file in bytes.")
  private Long sizeBytes;

  @JsonPropertyDescription("Model format, e.g. onnx.")
  private String format;
}
