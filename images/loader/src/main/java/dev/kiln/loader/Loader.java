package dev.kiln.loader;

import static dev.kiln.loader.Messages.firstLine;
import static dev.kiln.loader.Messages.redact;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The storage loader: {@code download <source-uri> <dest-dir> [--sha256 HEX]}, {@code upload
 * <model-dir> <s3-uri>}, {@code inspect <model-dir>} ({@link Inspection}) and {@code attempt
 * <ledger-dir> <out-file>} ({@link AttemptLedger}). Sources: {@code pvc://claim/path}, a local path
 * or {@code file://}, {@code http(s)://}, {@code s3://bucket/key-or-prefix}.
 */
public final class Loader {
  static final String USAGE =
      "usage: kiln-loader download <source-uri> <dest-dir> [--sha256 HEX]\n"
          + "       kiln-loader upload <model-dir> <s3://bucket/prefix>\n"
          + "       kiln-loader inspect <model-dir> [--metrics-file PATH] [--expect-path PATH]"
          + " [--expect-sha256 HEX]\n"
          + "       kiln-loader attempt <ledger-dir> <out-file>\n"
          + "sources: pvc://claim/path, /local/path, file:///path, https://host/path,"
          + " s3://bucket/key-or-prefix";

  /** Where Kubernetes reads a container's termination message from. */
  static final String DEFAULT_TERMINATION_LOG = "/dev/termination-log";

  private static final Set<String> INSPECT_OPTIONS =
      Set.of("--metrics-file", "--expect-path", "--expect-sha256");

  private final Map<String, String> env;

  public Loader(Map<String, String> env) {
    this.env = env;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.getenv()));
  }

  /** Runs a command; returns the exit code. Prints one line on stderr on failure. */
  public static int run(String[] args, Map<String, String> env) {
    try {
      return new Loader(env).execute(args);
    } catch (LoaderException e) {
      System.err.println("kiln-loader: error: " + firstLine(e.getMessage()));
      return e.exitCode();
    } catch (NoSuchFileException e) {
      System.err.println("kiln-loader: error: no such file: " + e.getFile());
      return LoaderException.NOT_FOUND;
    } catch (IOException e) {
      System.err.println(
          "kiln-loader: error: " + e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()));
      return LoaderException.IO;
    }
  }

  int execute(String[] args) throws LoaderException, IOException {
    List<String> positional = new ArrayList<>();
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("-h") || args[i].equals("--help")) {
        System.out.println(USAGE);
        return 0;
      } else if (args[i].startsWith("--")) {
        if (i + 1 >= args.length) {
          throw usage(args[i] + " needs a value");
        }
        options.put(args[i], args[++i]);
      } else {
        positional.add(args[i]);
      }
    }
    String command = positional.isEmpty() ? "" : positional.get(0);
    return switch (command) {
      case "download" -> {
        expect(positional, 3, options, Set.of("--sha256"));
        String sha256 = options.get("--sha256");
        yield download(
            positional.get(1),
            positional.get(2),
            sha256 == null ? null : sha256.toLowerCase(Locale.ROOT));
      }
      case "upload" -> {
        expect(positional, 3, options, Set.of());
        yield upload(Path.of(positional.get(1)), positional.get(2));
      }
      case "inspect" -> {
        expect(positional, 2, options, INSPECT_OPTIONS);
        yield inspect(
            Path.of(positional.get(1)),
            new Inspection.Options(
                options.getOrDefault("--metrics-file", Inspection.DEFAULT_METRICS_FILE),
                options.get("--expect-path"),
                options.get("--expect-sha256")));
      }
      case "attempt" -> {
        expect(positional, 3, options, Set.of());
        yield attempt(Path.of(positional.get(1)), Path.of(positional.get(2)));
      }
      default ->
          throw usage(
              command.isEmpty() ? "expected a command" : "unknown command '" + command + "'");
    };
  }

  /** The command's argument count and options, or a usage error naming what is wrong. */
  private static void expect(
      List<String> positional, int count, Map<String, String> options, Set<String> allowed)
      throws LoaderException {
    if (positional.size() != count) {
      throw usage(
          positional.get(0)
              + " expects "
              + (count - 1)
              + " argument(s), got "
              + (positional.size() - 1));
    }
    for (String option : options.keySet()) {
      if (!allowed.contains(option)) {
        throw usage(positional.get(0) + " has no option " + option);
      }
    }
  }

  /**
   * Inspects a model directory; the result (or the error) goes to the termination log, where the
   * operator reads it.
   */
  private int inspect(Path dir, Inspection.Options options) throws LoaderException, IOException {
    Path log = terminationLog();
    Inspection.Result result;
    try {
      result = Inspection.run(dir, options);
    } catch (LoaderException e) {
      writeQuietly(log, InspectionJson.errorJson(e.getMessage()));
      throw e;
    } catch (IOException e) {
      writeQuietly(log, InspectionJson.errorJson(Messages.describe(e)));
      throw e;
    }
    try {
      Files.writeString(log, InspectionJson.of(result));
    } catch (IOException e) {
      throw new LoaderException(
          LoaderException.IO,
          "cannot write the result to " + log + " (KILN_TERMINATION_LOG): " + Messages.describe(e),
          e);
    }
    System.out.println("kiln-loader: " + InspectionJson.summary(result));
    return 0;
  }

  /**
   * Claims this pod's attempt number on the workspace ({@link AttemptLedger}) and writes it to the
   * file the trainer reads (KILN_ATTEMPT_FILE).
   */
  private int attempt(Path ledger, Path out) throws LoaderException, IOException {
    String index = env.getOrDefault("KILN_WORKER_INDEX", "0");
    int attempt = AttemptLedger.claim(ledger, index);
    Files.writeString(out, attempt + "\n");
    System.out.println("kiln-loader: worker " + index + " starts attempt " + attempt);
    return 0;
  }

  private Path terminationLog() {
    String path = env.get("KILN_TERMINATION_LOG");
    return Path.of(path == null || path.isBlank() ? DEFAULT_TERMINATION_LOG : path);
  }

  /** The error is on stderr too: a log that cannot be written must not hide it. */
  private static void writeQuietly(Path log, String json) {
    try {
      Files.writeString(log, json);
    } catch (IOException e) {
      System.err.println("kiln-loader: cannot write " + log + ": " + Messages.describe(e));
    }
  }

  private int download(String source, String dest, String sha256)
      throws LoaderException, IOException {
    List<Path> files = Download.run(source, Path.of(dest), sha256, env);
    long bytes = 0;
    for (Path f : files) {
      bytes += Files.size(f);
    }
    System.out.println(
        "kiln-loader: downloaded "
            + files.size()
            + " file(s), "
            + bytes
            + " bytes, from "
            + redact(source)
            + " to "
            + dest);
    return 0;
  }

  private int upload(Path dir, String uri) throws LoaderException, IOException {
    if (!Files.isDirectory(dir)) {
      throw new LoaderException(LoaderException.NOT_FOUND, dir + " is not a directory");
    }
    if (!uri.startsWith("s3://")) {
      throw usage("upload goes to an s3://bucket/prefix URI, got " + redact(uri));
    }
    try (S3Store s3 = new S3Store(env)) {
      int n = s3.upload(dir, uri);
      System.out.println("kiln-loader: uploaded " + n + " file(s) from " + dir + " to " + uri);
    }
    return 0;
  }

  static LoaderException usage(String reason) {
    return new LoaderException(LoaderException.USAGE, reason + "\n" + USAGE);
  }
}
