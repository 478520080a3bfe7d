package dev.kiln.operator.modelserver;

import dev.kiln.api.v1alpha1.StorageUri;
import java.util.Optional;

/**
 * Where a model is and how the server pod gets it: a {@code pvc://claim/path} is mounted read-only,
 * anything else ({@code s3://}, {@code https://}) is downloaded by the loader init container.
 *
 * @param uri the model's URI as resolved
 * @param claim the PVC of a {@code pvc://} URI, empty otherwise
 * @param path the path inside the claim, without leading or trailing '/' (may be empty)
 * @param folder true when the URI ends with '/': the path is a folder whatever its name
 */
public record ModelLocation(String uri, Optional<String> claim, String path, boolean folder) {
  /** Parses a model URI; anything that is not {@code pvc://} is fetched by the loader. */
  public static ModelLocation of(String uri) {
    StorageUri parsed = StorageUri.parse(uri);
    if (parsed.isPvc()) {
      return new ModelLocation(uri, parsed.claim(), parsed.trimmedPath(), uri.endsWith("/"));
    }
    return new ModelLocation(uri, Optional.empty(), "", false);
  }

  public boolean onClaim() {
    return claim.isPresent();
  }

  /**
   * The folder holding the model inside the claim: the path itself, or its parent when the path
   * names a file such as {@code model/model.onnx}.
   */
  public String directoryInClaim() {
    if (path.isEmpty() || folder) {
      return path;
    }
    int slash = path.lastIndexOf('/');
    String last = slash < 0 ? path : path.substring(slash + 1);
    if (looksLikeFile(last)) {
      return slash < 0 ? "" : path.substring(0, slash);
    }
    return path;
  }

  /** A last path segment with an extension (model.onnx, weights.pt) names a file. */
  static boolean looksLikeFile(String segment) {
    int dot = segment.lastIndexOf('.');
    return dot > 0
        && dot < segment.length() - 1
        && segment.substring(dot + 1).matches("[A-Za-z0-9]+");
  }
}
