package dev.kiln.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/** A data-preparation (ETL) step that runs after the dataset is fetched and before training. */
@Data
@Builder(toBuilder = true)
@NoArgsConstructor
@AllArgsConstructor
public class PrepareStep implements ApiType {
  @JsonPropertyDescription("The image that prepares the data in $KILN_DATA_DIR.")
  @Required
  @Size(max = Validation.MAX_IMAGE)
  @Pattern(Validation.IMAGE)
  private String image;

  @JsonPropertyDescription("Entrypoint override; the image's ENTRYPOINT if unset.")
  @Size(max = Validation.MAX_ARGS)
  private List<@Size(max = Validation.MAX_ARG) String> command;

  @JsonPropertyDescription("Arguments; the image's CMD if unset.")
  @Size(max = Validation.MAX_ARGS)
  private List<@Size(max = Validation.MAX_ARG) String> args;
}
