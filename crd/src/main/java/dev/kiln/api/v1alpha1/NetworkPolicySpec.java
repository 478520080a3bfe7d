package dev.kiln.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/** Who may reach a ModelServer's pods. */
@Data
@Builder(toBuilder = true)
@NoArgsConstructor
@AllArgsConstructor
public class NetworkPolicySpec implements ApiType {
  /** Pods, or pods in namespaces, allowed to call the server. */
  @Data
  @NoArgsConstructor
  @AllArgsConstructor
  @ValidationRule(
      value = "has(self.podSelector) || has(self.namespaceSelector)",
      message = "networkPolicy.allowFrom entries need a podSelector, a namespaceSelector or both")
  public static class Peer implements ApiType {
    @JsonPropertyDescription("Pods allowed in; with namespaceSelector, pods in those namespaces.")
    private LabelSelector podSelector;

    @JsonPropertyDescription("Namespaces whose pods are allowed in.")
    private LabelSelector namespaceSelector;
  }

  @JsonPropertyDescription(
      "Create a NetworkPolicy that lets only allowFrom (and the same namespace if allowFrom is"
          + " empty) reach the server. Default true.")
  @Default("true")
  private Boolean enabled;

  @JsonPropertyDescription("Who may call the server; pods in the same namespace if empty.")
  @Size(max = 16)
  private List<Peer> allowFrom;
}
