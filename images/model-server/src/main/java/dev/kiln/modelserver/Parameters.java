package dev.kiln.modelserver;

import com.fasterxml.jackson.databind.JsonNode;

/** The protocol's {@code parameters} objects: the ones this server acts on, type-checked. */
final class Parameters {
  private Parameters() {}

  /** A boolean parameter of {@code node}; absent is false. */
  static boolean flag(JsonNode node, String name) throws ApiException {
    JsonNode v = node.path("parameters").get(name);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw ApiException.badRequest("parameter '" + name + "' must be true or false, got " + v);
    }
    return v.booleanValue();
  }

  /** A non-negative integer parameter of {@code node}; absent is -1. */
  static long size(JsonNode node, String name) throws ApiException {
    JsonNode v = node.path("parameters").get(name);
    if (v == null || v.isNull()) {
      return -1;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
      throw ApiException.badRequest(
          "parameter '" + name + "' must be a non-negative integer, got " + v);
    }
    return v.asLong();
  }
}
