package dev.kiln.operator.modelserver;

import dev.kiln.operator.support.KilnLabels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A hash of everything Kiln sets on a child, kept in an annotation. A child is replaced when its
 * hash differs from the desired one, so a reconcile with nothing new writes nothing, even against
 * an API server that fills in defaults Kiln never set. Pure.
 */
public final class SpecHash {
  public static final String ANNOTATION = KilnLabels.KILN + "spec-hash";

  private SpecHash() {}

  /** Sets the annotation: a hash of the object as built, before the annotation. */
  static <T extends HasMetadata> T stamp(T desired) {
    String hash = hash(desired);
    Map<String, String> annotations =
        desired.getMetadata().getAnnotations() == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(desired.getMetadata().getAnnotations());
    annotations.put(ANNOTATION, hash);
    desired.getMetadata().setAnnotations(annotations);
    return desired;
  }

  /** The annotation of an observed or desired child, null if it has none. */
  public static String of(HasMetadata child) {
    Map<String, String> annotations = child.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(ANNOTATION);
  }

  /** First 16 hex digits of the SHA-256 of the object's JSON form. */
  static String hash(Object o) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(Serialization.asJson(o).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
