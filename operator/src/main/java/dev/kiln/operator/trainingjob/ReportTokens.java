package dev.kiln.operator.trainingjob;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Per-job report tokens: an HMAC-SHA256 of the job's namespace, name and UID under a key only the
 * operator holds. The operator can recompute a token instead of storing it, so it never needs to
 * read Secrets, and a re-created job of the same name gets a different token.
 */
public final class ReportTokens {
  private final byte[] key;

  public ReportTokens(byte[] key) {
    if (key.length < 32) {
      throw new IllegalArgumentException("the report key must be at least 32 bytes");
    }
    this.key = key.clone();
  }

  public String tokenFor(HasMetadata job) {
    return tokenFor(
        job.getMetadata().getNamespace(), job.getMetadata().getName(), job.getMetadata().getUid());
  }

  public String tokenFor(String namespace, String name, String uid) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] digest =
          mac.doFinal((namespace + "/" + name + "/" + uid).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  /** Constant-time comparison of a presented token with the job's token. */
  public boolean matches(String presented, String namespace, String name, String uid) {
    if (presented == null) {
      return false;
    }
    byte[] expected = tokenFor(namespace, name, uid).getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.UTF_8));
  }
}
