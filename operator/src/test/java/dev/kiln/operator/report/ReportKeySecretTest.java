package dev.kiln.operator.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.kiln.operator.trainingjob.ReportTokens;
import dev.kiln.operator.trainingjob.ReportTokens.Identity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The report key lives in a Secret the operator reads (and, unless the user brings one, creates) at
 * start-up: the same key after a restart, two valid keys during a rotation, clear errors.
 */
@EnableKubernetesMockClient(crud = true)
class ReportKeySecretTest {
  private static final Identity JOB = new Identity("team-a", "iris", "uid-1");
  private static final String OLD = "old-key-0123456789abcdef0123456789";
  private static final String NEW = "new-key-0123456789abcdef0123456789";

  KubernetesClient client;

  private final ReportKeySecret owned = new ReportKeySecret("kiln-system", "kiln-report-key", true);

  @Test
  void theOperatorCreatesItsKeyOnceAndSignsAlikeAfterARestart() {
    String token = owned.tokens(client).tokenFor(JOB);
    Secret created = client.secrets().inNamespace("kiln-system").withName("kiln-report-key").get();
    assertThat(created.getData()).containsOnlyKeys("key");
    assertThat(Base64.getDecoder().decode(created.getData().get("key"))).hasSize(32);

    ReportTokens afterRestart = owned.tokens(client);
    assertThat(afterRestart.verify(token)).contains(JOB);
    assertThat(afterRestart.tokenFor(JOB)).isEqualTo(token);
    assertThat(client.secrets().inNamespace("kiln-system").list().getItems()).hasSize(1);
  }

  @Test
  void duringARotationTokensOfEitherKeyAreValidAndNewOnesUseTheNewKey() {
    String before = new ReportTokens(bytes(OLD)).tokenFor(JOB);
    client.secrets().resource(secret(Map.of("key", NEW, "previousKey", OLD))).create();

    ReportTokens rotated = owned.tokens(client);
    assertThat(rotated.verify(before)).as("a token issued before the rotation").contains(JOB);
    String after = rotated.tokenFor(JOB);
    assertThat(after).isNotEqualTo(before);
    assertThat(new ReportTokens(bytes(NEW)).verify(after)).contains(JOB);
    assertThat(new ReportTokens(bytes(OLD)).verify(after)).isEmpty();

    ReportTokens finished = owned.tokens(secret(Map.of("key", NEW)));
    assertThat(finished.verify(before)).as("once previousKey is removed").isEmpty();
  }

  @Test
  void aSecretTheUserManagesIsNeverCreated() {
    ReportKeySecret existing = new ReportKeySecret("kiln-system", "my-key", false);
    assertThatIllegalStateException()
        .isThrownBy(() -> existing.tokens(client))
        .withMessageContaining("kiln-system/my-key (KILN_REPORT_KEY_SECRET) does not exist");
    assertThat(client.secrets().inNamespace("kiln-system").list().getItems()).isEmpty();
  }

  @Test
  void aWrongKeyFailsNamingTheSecretAndField() {
    assertThatIllegalStateException()
        .isThrownBy(() -> owned.tokens(secret(Map.of("key", "short"))))
        .withMessageContaining("kiln-system/kiln-report-key")
        .withMessageContaining("data.key must be at least 32 bytes, has 5");
    assertThatIllegalStateException()
        .isThrownBy(() -> owned.tokens(secret(Map.of("key", NEW, "previousKey", "x"))))
        .withMessageContaining("data.previousKey must be at least 32 bytes");
    assertThatIllegalStateException()
        .isThrownBy(() -> owned.tokens(secret(Map.of("previousKey", OLD))))
        .withMessageContaining("data.key is missing");
  }

  @Test
  void theEnvironmentNamesTheSecret() {
    assertThat(ReportKeySecret.fromEnvironment(Map.of())).isEmpty();
    assertThat(
            ReportKeySecret.fromEnvironment(
                Map.of(
                    "KILN_REPORT_KEY_SECRET", "mine",
                    "KILN_REPORT_KEY_CREATE", "false",
                    "POD_NAMESPACE", "ops")))
        .isEqualTo(Optional.of(new ReportKeySecret("ops", "mine", false)));
    assertThat(
            ReportKeySecret.fromEnvironment(
                Map.of("KILN_REPORT_KEY_SECRET", "k", "POD_NAMESPACE", "ops")))
        .contains(new ReportKeySecret("ops", "k", true));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ReportKeySecret.fromEnvironment(Map.of("KILN_REPORT_KEY_SECRET", "k")))
        .withMessageContaining("POD_NAMESPACE");
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                ReportKeySecret.fromEnvironment(
                    Map.of(
                        "KILN_REPORT_KEY_SECRET", "k",
                        "POD_NAMESPACE", "ops",
                        "KILN_REPORT_KEY_CREATE", "maybe")))
        .withMessageContaining("KILN_REPORT_KEY_CREATE must be true or false, got maybe");
  }

  private static Secret secret(Map<String, String> plain) {
    SecretBuilder b =
        new SecretBuilder()
            .withNewMetadata()
            .withName("kiln-report-key")
            .withNamespace("kiln-system")
            .endMetadata();
    plain.forEach((k, v) -> b.addToData(k, Base64.getEncoder().encodeToString(bytes(v))));
    return b.build();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
