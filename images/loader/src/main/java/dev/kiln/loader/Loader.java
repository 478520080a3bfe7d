package dev.kiln.loader;

import static dev.kiln.loader.Messages.firstLine;
import static dev.kiln.loader.Messages.redact;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The storage loader: {@code download <source-uri> <dest-dir> [--sha256 HEX]} and {@code upload
 * <model-dir> <s3-uri>}. Sources: {@code pvc://claim/path}, a local path or {@code file://}, {@code
 * http(s)://}, {@code s3://bucket/key-or-prefix}.
 */
public final class Loader {
  static final String USAGE =
      "usage: kiln-loader download <source-uri> <dest-dir> [--sha256 HEX]\n"
          + "       kiln-loader upload <model-dir> <s3://bucket/prefix>\n"
          + "sources: pvc://claim/path, /local/path, file:///path, https://host/path,"
          + " s3://bucket/key-or-prefix";

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
    String sha256 = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--sha256")) {
        if (i + 1 >= args.length) {
          throw usage("--sha256 needs a value");
        }
        sha256 = args[++i].toLowerCase(Locale.ROOT);
      } else if (args[i].equals("-h") || args[i].equals("--help")) {
        System.out.println(USAGE);
        return 0;
      } else {
        positional.add(args[i]);
      }
    }
    if (positional.size() != 3) {
      throw usage("expected a command and two arguments");
    }
    String command = positional.get(0);
    return switch (command) {
      case "download" -> download(positional.get(1), positional.get(2), sha256);
      case "upload" -> upload(Path.of(positional.get(1)), positional.get(2));
      default -> throw usage("unknown command '" + command + "'");
    };
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
