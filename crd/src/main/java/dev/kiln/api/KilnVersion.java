package dev.kiln.api;

import java.util.Locale;
import java.util.ResourceBundle;

/**
 * The Kiln release this build belongs to: {@code kiln.version} in the parent pom, the tag of the
 * images Kiln ships. The operator uses it for its default images; tests check the charts, the
 * Dockerfiles and the examples against it.
 */
public final class KilnVersion {
  // kiln-version.properties is filtered by Maven at build time.
  private static final String VERSION =
      ResourceBundle.getBundle("dev.kiln.api.kiln-version", Locale.ROOT).getString("version");

  private KilnVersion() {}

  public static String get() {
    return VERSION;
  }
}
