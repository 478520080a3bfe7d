package dev.kiln.api.v1alpha1;

import java.util.Map;

/**
 * A status that keeps the fields this version of Kiln does not know, so that writing it back (a
 * full replace of /status) does not erase what a newer operator or another tool put there. The map
 * is filled by Jackson's any-setter and written back by its any-getter.
 */
public interface UnknownFields {
  /** The unknown top-level fields, name to raw JSON value; mutable. */
  Map<String, Object> unknownFields();
}
