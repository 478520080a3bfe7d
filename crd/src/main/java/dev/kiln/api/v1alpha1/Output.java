package dev.kiln.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/** Where the trained model is uploaded to after training succeeds. */
@Data
@Builder(toBuilder = true)
@NoArgsConstructor
@AllArgsConstructor
public class Output implements ApiType {
  @JsonPropertyDescription(
      "Destination of the model directory: s3://<bucket>/<prefix>/ or pvc://<claim>/<path>."
          + " Without output, the model stays at pvc://<workspace>/model.")
  @Required
  @Size(max = Validation.MAX_URI)
  @Pattern(Validation.OUTPUT_URI)
  @ValidationRule(
      value = Validation.NO_USERINFO,
      message = "output.uri" + Validation.NO_USERINFO_MESSAGE + "output.credentialsSecret")
  private String uri;

  @JsonPropertyDescription(
      "Name of a Secret with credentials for the destination; only the upload step sees it.")
  @Size(max = Validation.MAX_SUBDOMAIN)
  @Pattern(Validation.DNS1123_SUBDOMAIN)
  private String credentialsSecret;
}
