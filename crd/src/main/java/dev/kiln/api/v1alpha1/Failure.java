package dev.kiln.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/** Why a workload failed, read from the pods and containers that ran it. */
@Data
@Builder(toBuilder = true)
@NoArgsConstructor
@AllArgsConstructor
public class Failure extends UnknownFields implements ApiType {
  @JsonPropertyDescription(
      "CamelCase cause: ImagePullBackOff, ErrImagePull, CreateContainerConfigError, Unschedulable,"
          + " OOMKilled, Evicted, Error, CrashLoopBackOff, DeadlineExceeded, BackoffLimitExceeded,"
          + " StartupDeadlineExceeded, InvalidSpec, …")
  @Size(max = 128)
  private String reason;

  @JsonPropertyDescription("What happened, in words; for a container error, its last log line.")
  @Size(max = Validation.MAX_MESSAGE)
  private String message;

  @JsonPropertyDescription("The pod the failure was seen in.")
  @Size(max = Validation.MAX_SUBDOMAIN)
  private String pod;

  @JsonPropertyDescription("The container the failure was seen in.")
  @Size(max = Validation.MAX_NAME)
  private String container;

  @JsonPropertyDescription("The container's exit code, when it terminated.")
  private Integer exitCode;
}
