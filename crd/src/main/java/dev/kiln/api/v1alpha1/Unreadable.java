package dev.kiln.api.v1alpha1;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.util.Arrays;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * A spec or status that could not be bound to Kiln's types ({@link TolerantReader}): a value of the
 * wrong JSON type, which the API server's schema refuses but an object stored without that schema
 * (an older CRD, a cluster without it, another tool writing the status) may carry.
 *
 * @param problem what is wrong, naming the field: {@code spec.workers: Invalid value: "many": must
 *     be an integer}
 * @param raw the JSON as stored (maps, lists and scalars), so that writing the object does not
 *     change it
 */
public record Unreadable(String problem, Object raw) {
  private static final int MAX_VALUE = 64;
  private static final String INTEGER = "an integer";
  private static final String NUMBER = "a number";

  /** What {@code e} says about {@code json}, the value of {@code property} (spec or status). */
  public static Unreadable of(
      String property, JsonNode json, JsonProcessingException e, Object raw) {
    String path = property;
    JsonNode value = json;
    if (e instanceof JsonMappingException mapping) {
      for (JsonMappingException.Reference ref : mapping.getPath()) {
        boolean field = ref.getFieldName() != null;
        path += field ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]";
        value =
            value == null
                ? null
                : field ? value.get(ref.getFieldName()) : value.get(ref.getIndex());
      }
    }
    return new Unreadable(path + ": Invalid value: " + shown(value) + ": " + why(e, value), raw);
  }

  private static String why(JsonProcessingException e, JsonNode value) {
    if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
      String expected = expected(mismatch.getTargetType());
      // A number where a number belongs fails only by its size (fractions are rounded).
      boolean numeric = expected.equals(INTEGER) || expected.equals(NUMBER);
      boolean tooLarge = numeric && value != null && value.isNumber();
      return tooLarge ? "out of range for " + expected : "must be " + expected;
    }
    String message = e.getOriginalMessage();
    return message == null ? "cannot be read" : message.lines().findFirst().orElse(message);
  }

  /** The JSON a type reads, as a user would say it. */
  static String expected(Class<?> type) {
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return INTEGER;
    }
    if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
      return NUMBER;
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (CharSequence.class.isAssignableFrom(type)) {
      return "a string";
    }
    if (type.isEnum()) {
      return "one of "
          + Arrays.stream(type.getEnumConstants())
              .map(c -> ((Enum<?>) c).name())
              .collect(Collectors.joining(", "));
    }
    if (type.isArray() || Collection.class.isAssignableFrom(type)) {
      return "a list";
    }
    return "an object";
  }

  /** The offending value: a scalar quoted as JSON (shortened), else its kind. */
  private static String shown(JsonNode value) {
    if (value == null || value.isMissingNode()) {
      return "(none)";
    }
    if (value.isObject()) {
      return "an object";
    }
    if (value.isArray()) {
      return "a list";
    }
    String json = value.toString();
    return json.length() <= MAX_VALUE ? json : json.substring(0, MAX_VALUE) + "…";
  }
}
