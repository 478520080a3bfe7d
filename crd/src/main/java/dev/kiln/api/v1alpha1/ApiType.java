package dev.kiln.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Kiln's API types: their unset (null) fields are left out of the JSON, so an object Kiln writes
 * carries only what is set. Jackson reads class annotations from the interfaces a class implements,
 * so these annotations serve every type.
 *
 * <p>A tolerant reader: a field this version does not know (written under a newer CRD during an
 * upgrade or a rollback, or by another tool) is skipped instead of failing the whole informer,
 * which would stop reconciling every run. The CRD is unaffected: a real API server still prunes
 * what the schema does not declare. A spec or status with a value of the wrong type is read by
 * {@link TolerantReader}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public interface ApiType {}
