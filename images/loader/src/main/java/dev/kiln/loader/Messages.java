package dev.kiln.loader;

import java.io.IOException;

/** One-line messages that never show a secret: the loader's stderr ends up in pod events. */
final class Messages {
  private Messages() {}

  static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** An I/O error's first line, or its type when it has no message. */
  static String describe(IOException e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : firstLine(m);
  }

  /** Drops a URL's query string and user info, where signed URLs and passwords live. */
  static String redact(String uri) {
    String out = uri;
    int q = out.indexOf('?');
    if (q >= 0) {
      out = out.substring(0, q) + "?…";
    }
    int scheme = out.indexOf("://");
    int at = out.indexOf('@');
    int slash = scheme < 0 ? -1 : out.indexOf('/', scheme + 3);
    if (scheme >= 0 && at > scheme && (slash < 0 || at < slash)) {
      out = out.substring(0, scheme + 3) + "…@" + out.substring(at + 1);
    }
    return out;
  }
}
