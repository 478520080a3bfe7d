package dev.kiln.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lombok.EqualsAndHashCode;
import lombok.ToString;

/**
 * A status, or an object in a status, that keeps the fields this version of Kiln does not know, so
 * that writing it back (a full replace of /status) does not erase what a newer operator or another
 * tool put there. The map is filled by Jackson's any-setter and written back by its any-getter; it
 * is not in the schema.
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

  /**
   * Takes the unknown fields of {@code older} (the same object as last read) that this one lacks,
   * at this level and in the nested objects both have, so a status rebuilt by this version of Kiln
   * keeps what it does not know. Null on either side: nothing to keep.
   */
  public static <T extends UnknownFields> void keep(T older, T now) {
    if (older == null || now == null) {
      return;
    }
    older.unknownFields().forEach(now.unknownFields()::putIfAbsent);
    now.keepNested(older);
  }

  /** The nested objects' share of {@link #keep}: a subclass with such objects overrides it. */
  protected void keepNested(UnknownFields older) {}

  /** Conditions are matched by type; a condition's unknown fields stay with it. */
  protected static void keepConditions(List<Condition> older, List<Condition> now) {
    if (older == null || now == null) {
      return;
    }
    for (Condition was : older) {
      now.stream()
          .filter(c -> c.getType() != null && c.getType().equals(was.getType()))
          .forEach(
              c -> was.getAdditionalProperties().forEach(c.getAdditionalProperties()::putIfAbsent));
    }
  }
}
