package dev.kiln.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;
import lombok.Data;

/**
 * What a training run and a model server share: the container's command line, environment and
 * resources, and where and as whom its pods run.
 */
@Data
public abstract class WorkloadSpec implements ApiType, ReadTolerantly {
  @JsonPropertyDescription(
      "Entrypoint override for the main container; the image's ENTRYPOINT if unset.")
  @Size(max = Validation.MAX_ARGS)
  private List<@Size(max = Validation.MAX_ARG) String> command;

  @JsonPropertyDescription("Arguments for the main container; the image's CMD if unset.")
  @Size(max = Validation.MAX_ARGS)
  private List<@Size(max = Validation.MAX_ARG) String> args;

  /**
   * The rules inside the core types of this class (env, envFrom, resources, tolerations, affinity,
   * imagePullSecrets) are added to the CRDs by {@link CoreTypeSchemas}: see {@link CoreFieldRules}.
   */
  @JsonPropertyDescription(
      "Extra environment variables for the main container, one per name. Names starting with"
          + " KILN_ are reserved for the variables Kiln sets itself.")
  @Size(max = Validation.MAX_ENV)
  private List<EnvVar> env;

  @JsonPropertyDescription("ConfigMaps and Secrets whose keys become environment variables.")
  @Size(max = 32)
  private List<EnvFromSource> envFrom;

  @JsonPropertyDescription(
      "CPU, memory and accelerator requests and limits, e.g. limits: {nvidia.com/gpu: 1}.")
  private ResourceRequirements resources;

  @JsonPropertyDescription("The ServiceAccount the pods run as; the namespace's default if unset.")
  @Size(max = Validation.MAX_SUBDOMAIN)
  @Pattern(Validation.DNS1123_SUBDOMAIN)
  private String serviceAccountName;

  @JsonPropertyDescription("Node labels the pods must be scheduled on.")
  @Size(max = Validation.MAX_MAP)
  private Map<String, @Size(max = Validation.MAX_NAME) @Pattern(PodOverrides.LABEL_VALUE) String>
      nodeSelector;

  @JsonPropertyDescription("Taints the pods tolerate, e.g. the taint of a GPU node pool.")
  @Size(max = Validation.MAX_MAP)
  private List<Toleration> tolerations;

  @JsonPropertyDescription("Node and pod affinity rules for the pods.")
  private Affinity affinity;

  @JsonPropertyDescription("The PriorityClass of the pods.")
  @Size(max = Validation.MAX_SUBDOMAIN)
  @Pattern(Validation.DNS1123_SUBDOMAIN)
  private String priorityClassName;

  @JsonPropertyDescription("Secrets used to pull the images from a private registry.")
  @Size(max = 16)
  private List<LocalObjectReference> imagePullSecrets;

  @JsonPropertyDescription(
      "Additions to the pods: labels, annotations, volumes and mounts, /dev/shm size, runtime"
          + " class, scheduler, and the security level and user your containers run as.")
  private PodOverrides pod;

  /**
   * Set when the stored spec could not be read ({@link TolerantReader}); then every other field is
   * unset. Not in the schema.
   */
  @JsonIgnore private Unreadable unreadable;
}
