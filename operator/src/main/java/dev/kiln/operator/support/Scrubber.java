package dev.kiln.operator.support;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Removes credentials from text Kiln copies out of containers (termination messages, log tails)
 * into status, conditions and Events, leaving {@value #MARK} where something was removed. Pure.
 * Best effort against accidents (a trainer that prints its configuration on failure), not against a
 * container that means to leak: see docs/security.md.
 */
public final class Scrubber {
  public static final String MARK = "[redacted]";

  /** Each pattern's group 1 (when present) is kept; the rest of the match is replaced. */
  private static final List<Pattern> PATTERNS =
      List.of(
          // PEM private-key blocks, also when cut off before their END line.
          Pattern.compile(
              "-----BEGIN [A-Z ]*PRIVATE KEY-----(?:.*?-----END [A-Z ]*PRIVATE KEY-----|.*)",
              Pattern.DOTALL),
          // URI userinfo: scheme://user:password@host
          Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^/\\s@]+@"),
          // Authorization: Bearer <token>
          Pattern.compile("(?i)(bearer\\s+)[A-Za-z0-9._~+/=-]+"),
          // AWS-style access key ids.
          Pattern.compile("\\b(?:AKIA|ASIA)[A-Z0-9]{16}\\b"),
          // password=..., token: ..., secret="...", api_key=..., access-key=...
          Pattern.compile(
              "(?i)([\\w.-]*(?:password|passwd|pwd|token|secret|api[_-]?key|access[_-]?key)"
                  + "[\"']?\\s*[=:]\\s*)(?:\"[^\"]*\"|'[^']*'|[^\\s,;&\"'}]+)"));

  private Scrubber() {}

  /** The text with every credential-looking part replaced by {@value #MARK}; null stays null. */
  public static String scrub(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (Pattern p : PATTERNS) {
      out =
          p.matcher(out)
              .replaceAll(
                  m -> (m.groupCount() > 0 && m.group(1) != null ? quote(m.group(1)) : "") + MARK);
    }
    return out;
  }

  private static String quote(String kept) {
    return java.util.regex.Matcher.quoteReplacement(kept);
  }
}
