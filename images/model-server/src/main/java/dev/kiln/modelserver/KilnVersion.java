package dev.kiln.modelserver;

import java.util.Locale;
import java.util.ResourceBundle;

/** The Kiln release this server belongs to: {@code kiln.version} in the parent pom. */
final class KilnVersion {
  // kiln-version.properties is filtered by Maven at build time.
  private static final String VERSION =
      ResourceBundle.getBundle("dev.kiln.modelserver.kiln-version", Locale.ROOT)
          .getString("version");

  private KilnVersion() {}

  static String get() {
    return VERSION;
  }
}
