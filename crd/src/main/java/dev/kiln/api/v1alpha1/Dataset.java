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

/** The training data, fetched into the workspace's data/ directory before training starts. */
@Data
@Builder(toBuilder = true)
@NoArgsConstructor
@AllArgsConstructor
public class Dataset implements ApiType {
  @JsonPropertyDescription(
      "Where the data is: pvc://<claim>/<path>, s3://<bucket>/<key or prefix> or https://<url>."
          + " The loader init container copies it to $KILN_DATA_DIR.")
  @Required
  @Size(max = Validation.MAX_URI)
  @Pattern(Validation.SOURCE_URI)
  @ValidationRule(
      value = Validation.NO_USERINFO,
      message = "dataset.source" + Validation.NO_USERINFO_MESSAGE + "dataset.credentialsSecret")
  private String source;

  @JsonPropertyDescription(
      "Name of a Secret with credentials for the source (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,"
          + " AWS_ENDPOINT_URL, … for s3://). Only the loader sees it, never the trainer.")
  @Size(max = Validation.MAX_SUBDOMAIN)
  @Pattern(Validation.DNS1123_SUBDOMAIN)
  private String credentialsSecret;
}
