package dev.kiln.api.v1alpha1;

import java.util.Optional;

/**
 * A storage location as the API spells it: {@code pvc://<claim>/<path>}, {@code
 * s3://<bucket>/<key>}, {@code https://<host>/<path>}. Only {@code pvc://} is interpreted by Kiln
 * (the claim is mounted); the loader reads and writes the others.
 *
 * @param uri the text as given
 * @param scheme what comes before {@code ://}, empty when there is none
 * @param authority the claim, bucket or host: up to the first '/' after the scheme
 * @param path the rest, starting with '/' (empty when there is none), as given
 */
public record StorageUri(String uri, String scheme, String authority, String path) {
  public static final String PVC = "pvc";

  /** What stands in for the userinfo of a URI that is shown: {@code https://[redacted]@host/x}. */
  public static final String REDACTED = "[redacted]";

  private static final String SEPARATOR = "://";

  /** Splits a URI; never fails (a text without {@code ://} has an empty scheme). */
  public static StorageUri parse(String uri) {
    String text = uri == null ? "" : uri;
    int sep = text.indexOf(SEPARATOR);
    if (sep < 0) {
      return new StorageUri(uri, "", "", text);
    }
    String rest = text.substring(sep + SEPARATOR.length());
    int slash = rest.indexOf('/');
    return new StorageUri(
        uri,
        text.substring(0, sep),
        slash < 0 ? rest : rest.substring(0, slash),
        slash < 0 ? "" : rest.substring(slash));
  }

  /** {@code pvc://claim/path}, or {@code pvc://claim} for an empty path. */
  public static StorageUri pvc(String claim, String path) {
    String p = path == null || path.isEmpty() ? "" : "/" + path;
    return parse(PVC + SEPARATOR + claim + p);
  }

  /**
   * The URI as Kiln may show it (status, conditions, Events, annotations): userinfo ({@code
   * user:password@}) replaced by {@value #REDACTED}. The CRD refuses userinfo; this is for objects
   * admitted before it did. Null stays null.
   */
  public static String redacted(String uri) {
    if (uri == null) {
      return null;
    }
    StorageUri u = parse(uri);
    // The authority ends at '?' or '#' too: an '@' in a query is not userinfo.
    int end = u.authority.length();
    for (char c : new char[] {'?', '#'}) {
      int i = u.authority.indexOf(c);
      end = i >= 0 ? Math.min(end, i) : end;
    }
    int at = u.authority.lastIndexOf('@', end - 1);
    if (at < 0) {
      return uri;
    }
    return u.scheme + SEPARATOR + REDACTED + u.authority.substring(at) + u.path;
  }

  public boolean isPvc() {
    return PVC.equals(scheme);
  }

  /** The PVC of a {@code pvc://} URI; empty for any other scheme. */
  public Optional<String> claim() {
    return isPvc() ? Optional.of(authority) : Optional.empty();
  }

  /** The path without leading or trailing '/' (may be empty). */
  public String trimmedPath() {
    int start = 0;
    int end = path.length();
    while (start < end && path.charAt(start) == '/') {
      start++;
    }
    while (end > start && path.charAt(end - 1) == '/') {
      end--;
    }
    return path.substring(start, end);
  }

  @Override
  public String toString() {
    return uri;
  }
}
