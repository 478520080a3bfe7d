package dev.kiln.operator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The operator's settings, read from environment variables (documented in operator/README.md).
 * Every value has a default that works in a cluster installed by the chart.
 */
public record OperatorConfig(
    Set<String> watchNamespaces,
    String loaderImage,
    String modelServerImage,
    int httpPort,
    int reportPort,
    String reportUrl,
    Path reportKeyFile,
    boolean leaderElection,
    String leaseName,
    String leaseNamespace,
    String identity,
    boolean jsonLogs,
    String defaultWorkspaceSize,
    Duration defaultStartupDeadline,
    int defaultBackoffLimit,
    Duration reportInterval,
    int reportRatePerSecond,
    int reconcileThreads) {

  public static final String VERSION = "0.1.0";

  public static OperatorConfig fromEnvironment() {
    return fromMap(System.getenv());
  }

  /** Reads the settings from a map of environment variables; fails naming the variable. */
  public static OperatorConfig fromMap(Map<String, String> env) {
    Function<String, String> get = key -> blankToNull(env.get(key));
    return new OperatorConfig(
        parseNamespaces(get.apply("KILN_WATCH_NAMESPACES")),
        or(get.apply("KILN_LOADER_IMAGE"), "ghcr.io/kiln-dev/kiln-loader:" + VERSION),
        or(get.apply("KILN_MODEL_SERVER_IMAGE"), "ghcr.io/kiln-dev/kiln-model-server:" + VERSION),
        port(env, "KILN_HTTP_PORT", 8080),
        port(env, "KILN_REPORT_PORT", 8081),
        or(get.apply("KILN_REPORT_URL"), "http://kiln-operator.kiln-system.svc:8081"),
        Path.of(or(get.apply("KILN_REPORT_KEY_FILE"), "/var/run/kiln/report-key/key")),
        bool(env, "KILN_LEADER_ELECTION", false),
        or(get.apply("KILN_LEASE_NAME"), "kiln-operator"),
        or(get.apply("KILN_LEASE_NAMESPACE"), or(get.apply("POD_NAMESPACE"), "default")),
        or(get.apply("POD_NAME"), or(get.apply("HOSTNAME"), "kiln-operator")),
        "json".equalsIgnoreCase(get.apply("KILN_LOG_FORMAT")),
        or(get.apply("KILN_DEFAULT_WORKSPACE_SIZE"), "10Gi"),
        Duration.ofSeconds(positive(env, "KILN_DEFAULT_STARTUP_DEADLINE_SECONDS", 600)),
        (int) positive(env, "KILN_DEFAULT_BACKOFF_LIMIT", 3),
        Duration.ofSeconds(positive(env, "KILN_REPORT_INTERVAL_SECONDS", 10)),
        (int) positive(env, "KILN_REPORT_RATE_LIMIT", 50),
        (int) positive(env, "KILN_RECONCILE_THREADS", 10));
  }

  /** True when the operator watches every namespace. */
  public boolean watchesAllNamespaces() {
    return watchNamespaces.isEmpty();
  }

  private static Set<String> parseNamespaces(String value) {
    if (value == null) {
      return Set.of();
    }
    return Arrays.stream(value.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }

  private static int port(Map<String, String> env, String key, int defaultValue) {
    long port = number(env, key, defaultValue);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(key + " must be a port number 1-65535, got " + port);
    }
    return (int) port;
  }

  private static long positive(Map<String, String> env, String key, long defaultValue) {
    long value = number(env, key, defaultValue);
    if (value < 1) {
      throw new IllegalArgumentException(key + " must be a positive number, got " + value);
    }
    return value;
  }

  private static long number(Map<String, String> env, String key, long defaultValue) {
    String value = blankToNull(env.get(key));
    if (value == null) {
      return defaultValue;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number, got '" + value + "'");
    }
  }

  private static boolean bool(Map<String, String> env, String key, boolean defaultValue) {
    String value = blankToNull(env.get(key));
    if (value == null) {
      return defaultValue;
    }
    return switch (value.trim().toLowerCase()) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default ->
          throw new IllegalArgumentException(key + " must be true or false, got '" + value + "'");
    };
  }

  private static String or(String value, String defaultValue) {
    return value != null ? value : defaultValue;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
