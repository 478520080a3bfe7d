package dev.kiln.operator.support;

import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.Map;

/** What every loader container (dataset fetch, model download, model upload) shares. */
public final class LoaderSettings {
  private LoaderSettings() {}

  /** The loader streams files: a small request, and a memory limit that stops a runaway. */
  public static ResourceRequirements resources() {
    return new ResourceRequirementsBuilder()
        .withRequests(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("128Mi")))
        .withLimits(Map.of("memory", new Quantity("512Mi")))
        .build();
  }

  /** The storage credentials as environment variables, seen by the loader only. */
  public static EnvFromSource credentials(String secretName) {
    return new EnvFromSourceBuilder().withNewSecretRef(secretName, false).build();
  }
}
