package dev.kiln.loader;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The model files of a trained model directory: which files count as a model, in what format, and
 * which one a trainer that said nothing meant. Hidden files and folders (a leading dot: staging
 * folders, editor and notebook leftovers) and symbolic links are not looked at.
 */
final class ModelFiles {
  /** Deep enough for any layout seen in practice, shallow enough to stay quick on a big tree. */
  private static final int MAX_DEPTH = 16;

  /** The formats known by their file extension, the most preferred first. */
  enum Format {
    ONNX("onnx", 0, ".onnx"),
    SAFETENSORS("safetensors", 1, ".safetensors"),
    PYTORCH("pytorch", 2, ".pt .pth"),
    // joblib and pickle files are the same kind of file: neither goes before the other.
    JOBLIB("joblib", 3, ".joblib"),
    PICKLE("pkl", 3, ".pkl .pickle"),
    JSON("json", 4, ".json");

    private final String label;
    private final int rank;
    private final String extensions;

    Format(String label, int rank, String extensions) {
      this.label = label;
      this.rank = rank;
      this.extensions = extensions;
    }

    /** The name status.artifact.format shows. */
    String label() {
      return label;
    }

    /** Lower goes first. */
    int rank() {
      return rank;
    }

    List<String> extensions() {
      return List.of(extensions.split(" "));
    }

    static Optional<Format> of(String fileName) {
      String name = fileName.toLowerCase(Locale.ROOT);
      return Stream.of(values())
          .filter(f -> f.extensions().stream().anyMatch(name::endsWith))
          .findFirst();
    }

    /** Every known extension, for messages: ".onnx, .safetensors, …". */
    static String allExtensions() {
      return Stream.of(values())
          .flatMap(f -> f.extensions().stream())
          .collect(Collectors.joining(", "));
    }
  }

  /** A model file: its path relative to the model directory ('/'-separated) and its format. */
  record Candidate(String path, Format format) {
    int depth() {
      return (int) path.chars().filter(c -> c == '/').count();
    }
  }

  /** Most preferred first: by format, then the fewest folders deep, then by name. */
  static final Comparator<Candidate> PREFERENCE =
      Comparator.comparingInt((Candidate c) -> c.format().rank())
          .thenComparingInt(Candidate::depth)
          .thenComparing(Candidate::path);

  private ModelFiles() {}

  /**
   * The model files under {@code dir}, most preferred first; {@code exclude} (the metrics file) is
   * never one.
   */
  static List<Candidate> candidates(Path dir, Path exclude) throws IOException {
    // The mount point itself may be a link (the sandbox's mounts are); links below it are not
    // followed.
    Path given = dir.toAbsolutePath().normalize();
    Path root = given.toRealPath();
    Path excluded =
        root.resolve(given.relativize(exclude.toAbsolutePath().normalize())).normalize();
    List<Candidate> found = new ArrayList<>();
    Files.walkFileTree(
        root,
        EnumSet.noneOf(java.nio.file.FileVisitOption.class),
        MAX_DEPTH,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
            return !d.equals(root) && hidden(d)
                ? FileVisitResult.SKIP_SUBTREE
                : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isRegularFile() && !hidden(file) && !file.equals(excluded)) {
              Format.of(file.getFileName().toString())
                  .ifPresent(f -> found.add(new Candidate(relative(root, file), f)));
            }
            return FileVisitResult.CONTINUE;
          }
        });
    found.sort(PREFERENCE);
    return found;
  }

  static String relative(Path root, Path file) {
    return root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
  }

  private static boolean hidden(Path p) {
    return p.getFileName().toString().startsWith(".");
  }
}
