package dev.kiln.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/**
 * The HTTP paths a custom server image answers its probes on, for servers that do not speak the
 * Open Inference Protocol's health endpoints (a FastAPI app with /health, say). A path left out
 * takes the other one, so a server with a single health endpoint names it once; with neither, the
 * protocol's paths are used. No schema default for that reason: a default would put the protocol's
 * path next to the one the user gave.
 */
@Data
@Builder(toBuilder = true)
@NoArgsConstructor
@AllArgsConstructor
public class ServerHealth implements ApiType {
  /** An absolute HTTP path with an optional query, no whitespace. */
  public static final String HTTP_PATH = "^/[!-~]*$";

  public static final String DEFAULT_READINESS_PATH = "/v2/health/ready";
  public static final String DEFAULT_LIVENESS_PATH = "/v2/health/live";

  @JsonPropertyDescription(
      "GET path of the readiness probe: 200 once the model is loaded and requests are answered."
          + " livenessPath if unset, else /v2/health/ready.")
  @Size(max = 256)
  @Pattern(HTTP_PATH)
  private String readinessPath;

  @JsonPropertyDescription(
      "GET path of the liveness probe and of the startup probe (which gives the server up to 10"
          + " minutes to come up): 200 while the process is healthy. readinessPath if unset, else"
          + " /v2/health/live.")
  @Size(max = 256)
  @Pattern(HTTP_PATH)
  private String livenessPath;
}
