package dev.kiln.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Kiln's API types: their unset (null) fields are left out of the JSON, so an object Kiln writes
 * carries only what is set. Jackson reads class annotations from the interfaces a class implements,
 * so this one annotation serves every type.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public interface ApiType {}
