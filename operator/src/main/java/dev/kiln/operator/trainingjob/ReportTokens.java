package dev.kiln.operator.trainingjob;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Per-job report tokens: {@code v1.<job identity>.<HMAC-SHA256 of it>} under a key only the
 * operator holds. The identity (namespace/name/uid) travels in the token, so the endpoint can tell
 * a forged token (401) from a genuine token of another job (403) without storing tokens; the
 * operator recomputes instead of reading Secrets, and a re-created job gets a new token.
 */
public final class ReportTokens {
  private static final String VERSION = "v1";
  private final byte[] key;
  private final List<byte[]> previousKeys;

  /** The job a genuine token was issued for. */
  public record Identity(String namespace, String name, String uid) {}

  public ReportTokens(byte[] key) {
    this(key, List.of());
  }

  /**
   * Signs with {@code key}; verifies with it and with {@code previousKeys}, so tokens issued before
   * a key rotation stay valid while their runs finish.
   */
  public ReportTokens(byte[] key, List<byte[]> previousKeys) {
    if (key.length < 32 || previousKeys.stream().anyMatch(k -> k.length < 32)) {
      throw new IllegalArgumentException("the report key must be at least 32 bytes");
    }
    this.key = key.clone();
    this.previousKeys = previousKeys.stream().map(byte[]::clone).toList();
  }

  public String tokenFor(HasMetadata job) {
    return tokenFor(
        new Identity(
            job.getMetadata().getNamespace(),
            job.getMetadata().getName(),
            job.getMetadata().getUid()));
  }

  public String tokenFor(Identity id) {
    String payload =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                (id.namespace() + "/" + id.name() + "/" + id.uid())
                    .getBytes(StandardCharsets.UTF_8));
    return VERSION + "." + payload + "." + sign(key, payload);
  }

  /** The identity of a genuine token; empty for anything forged, truncated or malformed. */
  public Optional<Identity> verify(String token) {
    if (token == null) {
      return Optional.empty();
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3 || !VERSION.equals(parts[0])) {
      return Optional.empty();
    }
    if (!signedWithAnyKey(parts[1], parts[2].getBytes(StandardCharsets.UTF_8))) {
      return Optional.empty();
    }
    String[] id;
    try {
      id = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).split("/");
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    return id.length == 3 ? Optional.of(new Identity(id[0], id[1], id[2])) : Optional.empty();
  }

  private boolean signedWithAnyKey(String payload, byte[] signature) {
    boolean valid =
        MessageDigest.isEqual(sign(key, payload).getBytes(StandardCharsets.UTF_8), signature);
    for (byte[] previous : previousKeys) {
      valid |=
          MessageDigest.isEqual(
              sign(previous, payload).getBytes(StandardCharsets.UTF_8), signature);
    }
    return valid;
  }

  private static String sign(byte[] key, String payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }
}
