package dev.kiln.operator;

import java.util.Locale;
import java.util.Map;

/**
 * Reads settings from environment variables: a blank value counts as unset, and a bad value fails
 * with a message naming the variable and what it must be.
 */
final class EnvironmentReader {
  private final Map<String, String> env;

  EnvironmentReader(Map<String, String> env) {
    this.env = env;
  }

  /** The value, or null when unset or blank. */
  String get(String key) {
    String value = env.get(key);
    return value == null || value.isBlank() ? null : value;
  }

  String text(String key, String defaultValue) {
    String value = get(key);
    return value != null ? value : defaultValue;
  }

  int port(String key, int defaultValue) {
    long port = number(key, defaultValue);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(key + " must be a port number 1-65535, got " + port);
    }
    return (int) port;
  }

  long positive(String key, long defaultValue) {
    long value = number(key, defaultValue);
    if (value < 1) {
      throw new IllegalArgumentException(key + " must be a positive number, got " + value);
    }
    return value;
  }

  /** A user or group ID from {@code min} to 2147483647 (Kubernetes' bound), or null when unset. */
  Long id(String key, long min) {
    String value = get(key);
    if (value == null) {
      return null;
    }
    long id;
    try {
      id = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      id = -1;
    }
    if (id < min || id > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          key + " must be a number from " + min + " to 2147483647, got '" + value + "'");
    }
    return id;
  }

  boolean bool(String key, boolean defaultValue) {
    String value = get(key);
    if (value == null) {
      return defaultValue;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default ->
          throw new IllegalArgumentException(key + " must be true or false, got '" + value + "'");
    };
  }

  private long number(String key, long defaultValue) {
    String value = get(key);
    if (value == null) {
      return defaultValue;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number, got '" + value + "'");
    }
  }
}
