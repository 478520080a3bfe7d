package dev.kiln.operator;

import dev.kiln.api.KilnVersion;
import dev.kiln.operator.support.PodIdentity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
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
    int reconcileThreads,
    PodIdentity podIdentity) {

  /** The Kiln release, {@code kiln.version} in the parent pom: the tag of the default images. */
  public static final String VERSION = KilnVersion.get();

  public static OperatorConfig fromEnvironment() {
    return fromMap(System.getenv());
  }

  /** Reads the settings from a map of environment variables; fails naming the variable. */
  public static OperatorConfig fromMap(Map<String, String> variables) {
    EnvironmentReader env = new EnvironmentReader(variables);
    return new OperatorConfig(
        parseNamespaces(env.get("KILN_WATCH_NAMESPACES")),
        env.text("KILN_LOADER_IMAGE", "ghcr.io/kiln-dev/kiln-loader:" + VERSION),
        env.text("KILN_MODEL_SERVER_IMAGE", "ghcr.io/kiln-dev/kiln-model-server:" + VERSION),
        env.port("KILN_HTTP_PORT", 8080),
        env.port("KILN_REPORT_PORT", 8081),
        env.text("KILN_REPORT_URL", "http://kiln-operator.kiln-system.svc:8081"),
        Path.of(env.text("KILN_REPORT_KEY_FILE", "/var/run/kiln/report-key/key")),
        env.bool("KILN_LEADER_ELECTION", false),
        env.text("KILN_LEASE_NAME", "kiln-operator"),
        env.text("KILN_LEASE_NAMESPACE", env.text("POD_NAMESPACE", "default")),
        env.text("POD_NAME", env.text("HOSTNAME", "kiln-operator")),
        "json".equalsIgnoreCase(env.get("KILN_LOG_FORMAT")),
        env.text("KILN_DEFAULT_WORKSPACE_SIZE", "10Gi"),
        Duration.ofSeconds(env.positive("KILN_DEFAULT_STARTUP_DEADLINE_SECONDS", 600)),
        (int) env.positive("KILN_DEFAULT_BACKOFF_LIMIT", 3),
        Duration.ofSeconds(env.positive("KILN_REPORT_INTERVAL_SECONDS", 10)),
        (int) env.positive("KILN_REPORT_RATE_LIMIT", 50),
        (int) env.positive("KILN_RECONCILE_THREADS", 10),
        // Never root: every pod Kiln creates stays restricted (docs/security.md).
        new PodIdentity(
            env.id("KILN_POD_RUN_AS_USER", 1),
            env.id("KILN_POD_RUN_AS_GROUP", 0),
            env.id("KILN_POD_FS_GROUP", 0)));
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
}
