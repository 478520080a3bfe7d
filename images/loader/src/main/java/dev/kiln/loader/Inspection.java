package dev.kiln.loader;

import dev.kiln.loader.ModelFiles.Candidate;
import dev.kiln.loader.ModelFiles.Format;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code inspect <model-dir>}: what a finished training run left in its model directory, worked out
 * by Kiln's own code rather than taken from the trainer's word: the model file, its SHA-256 and
 * size (streamed, whatever its size), its format from its extension, and the metrics file. With
 * what the trainer reported ({@code --expect-path}, {@code --expect-sha256}) it checks that too.
 */
final class Inspection {
  static final String DEFAULT_METRICS_FILE = "metrics.json";

  /**
   * @param metricsFile the metrics file, relative to the model directory
   * @param expectPath the artifact path the trainer reported, or null
   * @param expectSha256 the SHA-256 the trainer reported, or null
   */
  record Options(String metricsFile, String expectPath, String expectSha256) {}

  /**
   * @param path the model file, relative to the model directory
   * @param format the format its extension says, or null when it has no known one
   * @param metrics the metrics file's numbers
   * @param warnings what the operator should pass on to the user
   */
  record Result(
      String path,
      String sha256,
      long sizeBytes,
      String format,
      Map<String, Double> metrics,
      List<String> warnings) {}

  /** A model file as found, before its digest. */
  private record Chosen(String path, Format format) {}

  private Inspection() {}

  static Result run(Path dir, Options options) throws LoaderException, IOException {
    if (!Files.isDirectory(dir)) {
      throw new LoaderException(LoaderException.NOT_FOUND, "no model directory at " + dir);
    }
    Path metricsPath = inside(dir, options.metricsFile(), "--metrics-file");
    List<String> warnings = new ArrayList<>();
    Chosen chosen =
        options.expectPath() == null
            ? choose(dir, dir, "", metricsPath, options.metricsFile(), warnings)
            : expected(dir, options, metricsPath, warnings);
    Path file = dir.resolve(chosen.path());
    String sha256 = Digests.hex(file, "SHA-256");
    if (options.expectSha256() != null) {
      check(chosen.path(), sha256, options.expectSha256());
    }
    MetricsFile metrics = MetricsFile.read(metricsPath, options.metricsFile());
    warnings.addAll(metrics.warnings());
    return new Result(
        chosen.path(),
        sha256,
        Files.size(file),
        chosen.format() == null ? null : chosen.format().label(),
        metrics.metrics(),
        warnings);
  }

  /** The file the trainer named; a folder it named holds the model file to pick. */
  private static Chosen expected(Path dir, Options options, Path metricsPath, List<String> warnings)
      throws LoaderException, IOException {
    String reported = options.expectPath();
    Path path = inside(dir, reported, "--expect-path");
    String normal = ModelFiles.relative(dir.toAbsolutePath().normalize(), path);
    if (Files.isDirectory(path)) {
      String prefix = normal.isEmpty() ? "" : normal + "/";
      return choose(dir, path, prefix, metricsPath, options.metricsFile(), warnings);
    }
    if (!Files.isRegularFile(path)) {
      throw new LoaderException(
          LoaderException.NOT_FOUND,
          "the trainer reported artifact.path " + reported + ", but " + dir + " has no such file");
    }
    return new Chosen(normal, Format.of(path.getFileName().toString()).orElse(null));
  }

  /** The preferred model file under {@code under}, saying so when there was a choice. */
  private static Chosen choose(
      Path dir,
      Path under,
      String prefix,
      Path metricsPath,
      String metricsFile,
      List<String> warnings)
      throws LoaderException, IOException {
    List<Candidate> candidates = ModelFiles.candidates(under, metricsPath);
    if (candidates.isEmpty()) {
      throw new LoaderException(
          LoaderException.NOT_FOUND,
          "found no model file (ending in "
              + Format.allExtensions()
              + ") in "
              + under
              + "; the metrics file "
              + metricsFile
              + " does not count");
    }
    Candidate first = candidates.get(0);
    if (candidates.size() > 1) {
      warnings.add(
          candidates.size()
              + " model files in "
              + dir
              + "; chose "
              + prefix
              + first.path()
              + " (by format: onnx, safetensors, pytorch, joblib/pkl, json; then the fewest"
              + " folders deep; then by name)");
    }
    return new Chosen(prefix + first.path(), first.format());
  }

  /** A path the options name, which must stay inside the model directory. */
  private static Path inside(Path dir, String relative, String option) throws LoaderException {
    Path root = dir.toAbsolutePath().normalize();
    try {
      Path resolved = root.resolve(relative).normalize();
      if (!relative.isBlank()
          && !Path.of(relative).isAbsolute()
          && !List.of(relative.split("/", -1)).contains("..")
          && resolved.startsWith(root)) {
        return resolved;
      }
    } catch (InvalidPathException e) {
      // not a path at all: refused below like one that leaves the directory
    }
    throw Loader.usage(
        option
            + " must name a path inside the model directory, got "
            + Messages.firstLine(relative));
  }

  private static void check(String path, String actual, String reported) throws LoaderException {
    String expected = reported.strip().toLowerCase(Locale.ROOT);
    if (expected.startsWith("sha256:")) {
      expected = expected.substring("sha256:".length());
    }
    if (!expected.equals(actual)) {
      boolean hex = expected.matches("[0-9a-f]{64}");
      throw new LoaderException(
          LoaderException.INTEGRITY,
          "sha256 of "
              + path
              + " is "
              + actual
              + ", but the trainer reported "
              + Messages.firstLine(
                  reported.length() > 80 ? reported.substring(0, 80) + "…" : reported)
              + (hex ? "" : " (not a SHA-256 hex digest)"));
    }
  }
}
