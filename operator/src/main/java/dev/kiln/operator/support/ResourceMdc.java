package dev.kiln.operator.support;

import io.fabric8.kubernetes.api.model.HasMetadata;
import org.slf4j.MDC;

/** Puts the reconciled resource ({@code namespace/name}) into every log line of a reconcile. */
public final class ResourceMdc {
  public static final String KEY = "resource";

  private ResourceMdc() {}

  /** Use in try-with-resources around a reconcile. */
  public static MDC.MDCCloseable put(HasMetadata resource) {
    return MDC.putCloseable(KEY, key(resource));
  }

  public static String key(HasMetadata resource) {
    return resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
  }
}
