package dev.kiln.operator.report;

import dev.kiln.operator.trainingjob.ReportTokens;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Secret that holds the report-token signing key, read through the API at start-up and, unless
 * the user brings their own, created by the operator the first time (docs/design.md#report-key).
 * The chart never generates the key, so {@code helm template} renders the same bytes every time.
 * {@code key} signs new tokens; an optional {@code previousKey} still verifies the tokens issued
 * before a rotation, so running trainers keep reporting.
 *
 * @param namespace the operator's namespace (POD_NAMESPACE)
 * @param name KILN_REPORT_KEY_SECRET
 * @param create KILN_REPORT_KEY_CREATE: create the Secret when it is missing; false for a Secret
 *     the user manages, so a typo in its name fails instead of minting a new key
 */
public record ReportKeySecret(String namespace, String name, boolean create) {
  public static final String SECRET_VARIABLE = "KILN_REPORT_KEY_SECRET";
  public static final String CREATE_VARIABLE = "KILN_REPORT_KEY_CREATE";
  public static final String KEY = "key";
  public static final String PREVIOUS_KEY = "previousKey";
  private static final int KEY_BYTES = 32;

  /** The Secret named by KILN_REPORT_KEY_SECRET; empty when unset (the key file is used). */
  public static Optional<ReportKeySecret> fromEnvironment(Map<String, String> env) {
    String name = blankToNull(env.get(SECRET_VARIABLE));
    if (name == null) {
      return Optional.empty();
    }
    String namespace = blankToNull(env.get("POD_NAMESPACE"));
    if (namespace == null) {
      throw new IllegalArgumentException(
          SECRET_VARIABLE + " needs POD_NAMESPACE, the namespace the Secret lives in");
    }
    String create = blankToNull(env.get(CREATE_VARIABLE));
    if (create != null && !create.equals("true") && !create.equals("false")) {
      throw new IllegalArgumentException(CREATE_VARIABLE + " must be true or false, got " + create);
    }
    return Optional.of(new ReportKeySecret(namespace, name, !"false".equals(create)));
  }

  /** Reads the Secret (creating it first when missing and allowed) and returns its keys. */
  public ReportTokens tokens(KubernetesClient client) {
    Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null && !create) {
      throw new IllegalStateException(
          "the report-key Secret "
              + where()
              + " does not exist: create it with a '"
              + KEY
              + "' of at least "
              + KEY_BYTES
              + " bytes, or unset reportKey.existingSecret so the operator creates one");
    }
    if (secret == null) {
      try {
        secret = client.secrets().inNamespace(namespace).resource(newSecret()).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
          throw e;
        }
        // Another replica created it first: use that one, so every replica signs alike.
        secret = client.secrets().inNamespace(namespace).withName(name).get();
      }
    }
    return tokens(secret);
  }

  /** The keys of a Secret: data.key signs and verifies, data.previousKey only verifies. Pure. */
  public ReportTokens tokens(Secret secret) {
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    byte[] key = decode(data, KEY).orElseThrow(() -> invalid(KEY, "is missing"));
    List<byte[]> previous = new ArrayList<>();
    decode(data, PREVIOUS_KEY).ifPresent(previous::add);
    return new ReportTokens(key, previous);
  }

  private Secret newSecret() {
    byte[] key = new byte[KEY_BYTES];
    new SecureRandom().nextBytes(key);
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(
            Map.of(
                "app.kubernetes.io/managed-by", "kiln-operator",
                "app.kubernetes.io/part-of", "kiln",
                "app.kubernetes.io/component", "report-key"))
        .endMetadata()
        .withType("Opaque")
        .withData(Map.of(KEY, Base64.getEncoder().encodeToString(key)))
        .build();
  }

  private Optional<byte[]> decode(Map<String, String> data, String field) {
    String value = blankToNull(data.get(field));
    if (value == null) {
      return Optional.empty();
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(value.trim());
    } catch (IllegalArgumentException e) {
      throw invalid(field, "is not base64", e);
    }
    if (bytes.length < KEY_BYTES) {
      throw invalid(field, "must be at least " + KEY_BYTES + " bytes, has " + bytes.length);
    }
    return Optional.of(bytes);
  }

  private IllegalStateException invalid(String field, String problem) {
    return invalid(field, problem, null);
  }

  private IllegalStateException invalid(String field, String problem, Exception cause) {
    return new IllegalStateException(
        "the report-key Secret " + where() + ": data." + field + " " + problem, cause);
  }

  private String where() {
    return namespace + "/" + name + " (" + SECRET_VARIABLE + ")";
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
