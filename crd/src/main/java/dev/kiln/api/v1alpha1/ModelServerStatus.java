package dev.kiln.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import lombok.Data;

/** What Kiln observed of a model server. Written by the operator only. */
@Data
public class ModelServerStatus extends UnknownFields implements ApiType, ReadTolerantly {
  @JsonPropertyDescription("Pending, Loading, Ready, Degraded or Failed.")
  private ModelServerPhase phase;

  @JsonPropertyDescription("ModelResolved, Available, Progressing and Ready.")
  @Size(max = 16)
  private List<Condition> conditions;

  @JsonPropertyDescription("In-cluster URL: http://<name>.<namespace>.svc.cluster.local:<port>.")
  private String url;

  @JsonPropertyDescription(
      "In-cluster gRPC address (a target for an Open Inference Protocol gRPC client):"
          + " <name>.<namespace>.svc.cluster.local:<grpcPort>. Unset when there is no gRPC port.")
  private String grpcAddress;

  @JsonPropertyDescription("The model being served, with its lineage.")
  private ServedModel model;

  @JsonPropertyDescription("Replicas of the server.")
  private Integer replicas;

  @JsonPropertyDescription("Replicas ready to answer requests.")
  private Integer readyReplicas;

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Why the server is failing.")
  private Failure failure;

  @JsonPropertyDescription(
      "The Pod Security Standard level the pods are built for (restricted or baseline): the"
          + " namespace must admit at least this level. Set once the pods' Deployment exists.")
  private PodSecurityLevel podSecurityLevel;

  /**
   * Set when the stored status could not be read ({@link TolerantReader}); then every other field
   * is unset, and the status must not be written: it would replace what was stored. Not in the
   * schema.
   */
  @JsonIgnore private Unreadable unreadable;

  @Override
  protected void keepNested(UnknownFields older) {
    ModelServerStatus was = (ModelServerStatus) older;
    keepConditions(was.conditions, conditions);
    keep(was.model, model);
    keep(was.failure, failure);
  }
}
