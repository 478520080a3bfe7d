package dev.kiln.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.kiln.operator.support.PodIdentity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The operator's settings from its environment (operator/README.md). */
class OperatorConfigTest {

  private static OperatorConfig config(String... keyValues) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      env.put(keyValues[i], keyValues[i + 1]);
    }
    return OperatorConfig.fromMap(env);
  }

  @Test
  void anEmptyEnvironmentGivesTheDefaults() {
    OperatorConfig c = config();

    assertThat(c.watchNamespaces()).isEmpty();
    assertThat(c.watchesAllNamespaces()).isTrue();
    assertThat(c.loaderImage()).isEqualTo("ghcr.io/kiln-dev/kiln-loader:" + OperatorConfig.VERSION);
    assertThat(c.modelServerImage())
        .isEqualTo("ghcr.io/kiln-dev/kiln-model-server:" + OperatorConfig.VERSION);
    assertThat(c.httpPort()).isEqualTo(8080);
    assertThat(c.reportPort()).isEqualTo(8081);
    assertThat(c.reportUrl()).isEqualTo("http://kiln-operator.kiln-system.svc:8081");
    assertThat(c.reportKeyFile()).isEqualTo(Path.of("/var/run/kiln/report-key/key"));
    assertThat(c.leaderElection()).isFalse();
    assertThat(c.leaseName()).isEqualTo("kiln-operator");
    assertThat(c.leaseNamespace()).isEqualTo("default");
    assertThat(c.identity()).isEqualTo("kiln-operator");
    assertThat(c.jsonLogs()).isFalse();
    assertThat(c.defaultWorkspaceSize()).isEqualTo("10Gi");
    assertThat(c.defaultStartupDeadline()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.defaultBackoffLimit()).isEqualTo(3);
    assertThat(c.reportInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.reportRatePerSecond()).isEqualTo(50);
    assertThat(c.reconcileThreads()).isEqualTo(10);
    assertThat(c.podIdentity()).isEqualTo(PodIdentity.PLATFORM);
  }

  @Test
  void blankValuesCountAsUnset() {
    OperatorConfig c =
        config("KILN_HTTP_PORT", "  ", "KILN_LOADER_IMAGE", "", "KILN_LEADER_ELECTION", " ");

    assertThat(c.httpPort()).isEqualTo(8080);
    assertThat(c.loaderImage()).startsWith("ghcr.io/kiln-dev/kiln-loader:");
    assertThat(c.leaderElection()).isFalse();
  }

  @Test
  void everyVariableIsRead() {
    OperatorConfig c =
        config(
            "KILN_WATCH_NAMESPACES", "team-a,team-b",
            "KILN_LOADER_IMAGE", "registry.example/loader:1",
            "KILN_MODEL_SERVER_IMAGE", "registry.example/server:1",
            "KILN_HTTP_PORT", "9090",
            "KILN_REPORT_PORT", "9091",
            "KILN_REPORT_URL", "https://kiln.example:9091",
            "KILN_REPORT_KEY_FILE", "/keys/report",
            "KILN_LEADER_ELECTION", "true",
            "KILN_LEASE_NAME", "kiln-lease",
            "KILN_LEASE_NAMESPACE", "kiln-ops",
            "POD_NAME", "kiln-operator-7d9f-abcde",
            "KILN_LOG_FORMAT", "JSON",
            "KILN_DEFAULT_WORKSPACE_SIZE", "50Gi",
            "KILN_DEFAULT_STARTUP_DEADLINE_SECONDS", "120",
            "KILN_DEFAULT_BACKOFF_LIMIT", "5",
            "KILN_REPORT_INTERVAL_SECONDS", "30",
            "KILN_REPORT_RATE_LIMIT", "7",
            "KILN_RECONCILE_THREADS", "4");

    assertThat(c.watchNamespaces()).containsExactlyInAnyOrder("team-a", "team-b");
    assertThat(c.watchesAllNamespaces()).isFalse();
    assertThat(c.loaderImage()).isEqualTo("registry.example/loader:1");
    assertThat(c.modelServerImage()).isEqualTo("registry.example/server:1");
    assertThat(c.httpPort()).isEqualTo(9090);
    assertThat(c.reportPort()).isEqualTo(9091);
    assertThat(c.reportUrl()).isEqualTo("https://kiln.example:9091");
    assertThat(c.reportKeyFile()).isEqualTo(Path.of("/keys/report"));
    assertThat(c.leaderElection()).isTrue();
    assertThat(c.leaseName()).isEqualTo("kiln-lease");
    assertThat(c.leaseNamespace()).isEqualTo("kiln-ops");
    assertThat(c.identity()).isEqualTo("kiln-operator-7d9f-abcde");
    assertThat(c.jsonLogs()).isTrue();
    assertThat(c.defaultWorkspaceSize()).isEqualTo("50Gi");
    assertThat(c.defaultStartupDeadline()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.defaultBackoffLimit()).isEqualTo(5);
    assertThat(c.reportInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.reportRatePerSecond()).isEqualTo(7);
    assertThat(c.reconcileThreads()).isEqualTo(4);
  }

  @Test
  void theLeaseLivesInThePodsNamespaceUnlessSetExplicitly() {
    assertThat(config("POD_NAMESPACE", "kiln-system").leaseNamespace()).isEqualTo("kiln-system");
    assertThat(
            config("POD_NAMESPACE", "kiln-system", "KILN_LEASE_NAMESPACE", "ops").leaseNamespace())
        .isEqualTo("ops");
  }

  @Test
  void theIdentityIsThePodNameElseTheHostName() {
    assertThat(config("HOSTNAME", "host-1").identity()).isEqualTo("host-1");
    assertThat(config("HOSTNAME", "host-1", "POD_NAME", "pod-1").identity()).isEqualTo("pod-1");
  }

  @Test
  void anyLogFormatButJsonIsText() {
    assertThat(config("KILN_LOG_FORMAT", "text").jsonLogs()).isFalse();
    assertThat(config("KILN_LOG_FORMAT", "json").jsonLogs()).isTrue();
  }

  @ParameterizedTest
  @CsvSource({
    "true, true",
    "yes, true",
    "1, true",
    "TRUE, true",
    "false, false",
    "no, false",
    "0, false"
  })
  void booleansAcceptTheUsualSpellings(String value, boolean expected) {
    assertThat(config("KILN_LEADER_ELECTION", value).leaderElection()).isEqualTo(expected);
  }

  @Test
  void aBadBooleanFailsNamingTheVariable() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> config("KILN_LEADER_ELECTION", "maybe"))
        .withMessageContaining("KILN_LEADER_ELECTION")
        .withMessageContaining("maybe");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "KILN_DEFAULT_STARTUP_DEADLINE_SECONDS",
        "KILN_DEFAULT_BACKOFF_LIMIT",
        "KILN_REPORT_INTERVAL_SECONDS",
        "KILN_REPORT_RATE_LIMIT",
        "KILN_RECONCILE_THREADS",
        "KILN_HTTP_PORT",
        "KILN_REPORT_PORT"
      })
  void aNumberThatIsNotANumberFailsNamingTheVariable(String variable) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> config(variable, "ten"))
        .withMessageContaining(variable)
        .withMessageContaining("ten");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "KILN_DEFAULT_STARTUP_DEADLINE_SECONDS",
        "KILN_REPORT_INTERVAL_SECONDS",
        "KILN_REPORT_RATE_LIMIT",
        "KILN_RECONCILE_THREADS"
      })
  void aNumberThatIsNotPositiveFailsNamingTheVariable(String variable) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> config(variable, "0"))
        .withMessageContaining(variable);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> config(variable, "-5"))
        .withMessageContaining(variable);
  }

  @ParameterizedTest
  @CsvSource({
    "KILN_HTTP_PORT, 0",
    "KILN_HTTP_PORT, 65536",
    "KILN_REPORT_PORT, -1",
    "KILN_REPORT_PORT, 70000"
  })
  void aPortOutOfRangeFailsNamingTheVariable(String variable, String value) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> config(variable, value))
        .withMessageContaining(variable)
        .withMessageContaining(value);
  }

  @Test
  void theExtremePortsAreAccepted() {
    assertThat(config("KILN_HTTP_PORT", "1").httpPort()).isEqualTo(1);
    assertThat(config("KILN_REPORT_PORT", "65535").reportPort()).isEqualTo(65535);
  }

  @Test
  void numbersMayHaveSurroundingSpaces() {
    assertThat(config("KILN_RECONCILE_THREADS", " 6 ").reconcileThreads()).isEqualTo(6);
  }

  // ---- the pods' UIDs: KILN_POD_RUN_AS_USER, KILN_POD_RUN_AS_GROUP, KILN_POD_FS_GROUP ---------

  @Test
  void thePodsIdsAreReadAsTheChartWritesThem() {
    assertThat(
            config(
                    "KILN_POD_RUN_AS_USER", "1000810000",
                    "KILN_POD_RUN_AS_GROUP", "0",
                    "KILN_POD_FS_GROUP", " 65532 ")
                .podIdentity())
        .isEqualTo(new PodIdentity(1000810000L, 0L, 65532L));
    assertThat(config("KILN_POD_FS_GROUP", "2147483647").podIdentity())
        .isEqualTo(new PodIdentity(null, null, 2147483647L));
  }

  @ParameterizedTest
  @CsvSource({
    "KILN_POD_RUN_AS_USER, 0",
    "KILN_POD_RUN_AS_USER, nobody",
    "KILN_POD_RUN_AS_GROUP, -1",
    "KILN_POD_FS_GROUP, 2147483648",
    "KILN_POD_FS_GROUP, 65532.0"
  })
  void aBadIdFailsAtStartNamingTheVariable(String variable, String value) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> config(variable, value))
        .withMessageContaining(variable)
        .withMessageContaining("'" + value + "'")
        .withMessageContaining("2147483647");
  }

  @Test
  void watchNamespacesIsACommaSeparatedListIgnoringSpacesAndEmptyItems() {
    assertThat(config("KILN_WATCH_NAMESPACES", " team-a , team-b,,team-c, ").watchNamespaces())
        .containsExactlyInAnyOrder("team-a", "team-b", "team-c");
    assertThat(config("KILN_WATCH_NAMESPACES", "solo").watchNamespaces()).containsExactly("solo");
    assertThat(config("KILN_WATCH_NAMESPACES", "team-a,team-a").watchNamespaces())
        .containsExactly("team-a");
  }

  @Test
  void aBlankWatchListWatchesAllNamespaces() {
    assertThat(config("KILN_WATCH_NAMESPACES", " ").watchesAllNamespaces()).isTrue();
  }
}
