package dev.kiln.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.LinkedHashMap;
import java.util.Map;
import lombok.EqualsAndHashCode;
import lombok.ToString;

/**
 * A status that keeps the fields this version of Kiln does not know, so that writing it back (a
 * full replace of /status) does not erase what a newer operator or another tool put there. The map
 * is filled by Jackson's any-setter and written back by its any-getter; it is not in the schema.
 */
@EqualsAndHashCode
@ToString
public abstract class UnknownFields {
  @JsonIgnore private final Map<String, Object> additionalProperties = new LinkedHashMap<>();

  // JsonIgnore keeps the CRD generator from listing the any-getter as a property; Jackson still
  // writes the map (any-getters are collected before ignorals).
  @JsonIgnore
  @JsonAnyGetter
  Map<String, Object> anyGetter() {
    return additionalProperties;
  }

  /** The unknown top-level fields, name to raw JSON value; mutable. */
  public Map<String, Object> unknownFields() {
    return additionalProperties;
  }

  @JsonAnySetter
  public void setAdditionalProperty(String name, Object value) {
    additionalProperties.put(name, value);
  }
}
