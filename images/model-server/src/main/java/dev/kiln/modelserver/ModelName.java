package dev.kiln.modelserver;

/** The model and version a request names, checked against the one this server serves. */
final class ModelName {
  /** The one version this server serves, as the metadata advertises it. */
  static final String VERSION = "1";

  private ModelName() {}

  /** A 404 unless {@code name} (and {@code version}, where given) are the served ones. */
  static void check(String served, String name, String version) throws ApiException {
    if (!served.equals(name)) {
      throw new ApiException(
          404, "model '" + name + "' not found; this server serves '" + served + "'");
    }
    if (version != null && !version.isEmpty() && !VERSION.equals(version)) {
      throw new ApiException(
          404,
          "model '" + name + "' has no version '" + version + "'; it serves version " + VERSION);
    }
  }
}
