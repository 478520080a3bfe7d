package dev.kiln.sandbox.cluster;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The Debian (and Ubuntu) package that gives the system Python a module, for the line that tells a
 * user what to install: {@code sklearn} is {@code python3-sklearn}, {@code yaml} is {@code
 * python3-yaml}; a module not listed is guessed as {@code python3-<module>}.
 */
final class DebianPackages {
  private static final Map<String, String> KNOWN =
      Map.ofEntries(
          Map.entry("torch", "python3-torch"),
          Map.entry("torchvision", "python3-torchvision"),
          Map.entry("sklearn", "python3-sklearn"),
          Map.entry("pandas", "python3-pandas"),
          Map.entry("numpy", "python3-numpy"),
          Map.entry("scipy", "python3-scipy"),
          Map.entry("joblib", "python3-joblib"),
          Map.entry("fastapi", "python3-fastapi"),
          Map.entry("starlette", "python3-starlette"),
          Map.entry("pydantic", "python3-pydantic"),
          Map.entry("uvicorn", "python3-uvicorn"),
          Map.entry("gunicorn", "gunicorn"),
          Map.entry("flask", "python3-flask"),
          Map.entry("requests", "python3-requests"),
          Map.entry("httpx", "python3-httpx"),
          Map.entry("yaml", "python3-yaml"),
          Map.entry("PIL", "python3-pil"),
          Map.entry("matplotlib", "python3-matplotlib"),
          Map.entry("xgboost", "python3-xgboost"),
          Map.entry("skimage", "python3-skimage"),
          Map.entry("cv2", "python3-opencv"),
          Map.entry("boto3", "python3-boto3"),
          Map.entry("dateutil", "python3-dateutil"));

  private DebianPackages() {}

  static String of(String module) {
    String known = KNOWN.get(module);
    return known != null ? known : "python3-" + module.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The packages for these modules, each once, in order. */
  static Set<String> of(Collection<String> modules) {
    Set<String> packages = new LinkedHashSet<>();
    modules.forEach(m -> packages.add(of(m)));
    return packages;
  }
}
