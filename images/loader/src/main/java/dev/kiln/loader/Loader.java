package dev.kiln.loader;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
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
  static final String DEFAULT_PVC_ROOT = "/mnt/pvc";
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
      System.err.println("kiln-loader: error: " + S3Store.firstLine(e.getMessage()));
      return e.exitCode();
    } catch (NoSuchFileException e) {
      System.err.println("kiln-loader: error: no such file: " + e.getFile());
      return LoaderException.NOT_FOUND;
    } catch (IOException e) {
      System.err.println(
          "kiln-loader: error: "
              + e.getClass().getSimpleName()
              + ": "
              + S3Store.firstLine(e.getMessage()));
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
    switch (command) {
      case "download" -> {
        List<Path> files = download(positional.get(1), Path.of(positional.get(2)), sha256);
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
                + redact(positional.get(1))
                + " to "
                + positional.get(2));
        return 0;
      }
      case "upload" -> {
        Path dir = Path.of(positional.get(1));
        if (!Files.isDirectory(dir)) {
          throw new LoaderException(LoaderException.NOT_FOUND, dir + " is not a directory");
        }
        String uri = positional.get(2);
        if (!uri.startsWith("s3://")) {
          throw usage("upload goes to an s3://bucket/prefix URI, got " + redact(uri));
        }
        try (S3Store s3 = new S3Store(env)) {
          int n = s3.upload(dir, uri);
          System.out.println("kiln-loader: uploaded " + n + " file(s) from " + dir + " to " + uri);
        }
        return 0;
      }
      default -> throw usage("unknown command '" + command + "'");
    }
  }

  static final String USAGE =
      "usage: kiln-loader download <source-uri> <dest-dir> [--sha256 HEX]\n"
          + "       kiln-loader upload <model-dir> <s3://bucket/prefix>\n"
          + "sources: pvc://claim/path, /local/path, file:///path, https://host/path,"
          + " s3://bucket/key-or-prefix";

  private static LoaderException usage(String reason) {
    return new LoaderException(LoaderException.USAGE, reason + "\n" + USAGE);
  }

  /** Downloads into dest atomically; returns the final paths of the files written. */
  public List<Path> download(String source, Path dest, String sha256)
      throws LoaderException, IOException {
    List<Path> staged;
    List<Path> result = new ArrayList<>();
    try (Staging staging = new Staging(dest)) {
      String lower = source.toLowerCase(Locale.ROOT);
      if (lower.startsWith("s3://")) {
        try (S3Store s3 = new S3Store(env)) {
          staged = s3.download(source, staging.dir());
        }
      } else if (lower.startsWith("https://") || lower.startsWith("http://")) {
        staged = List.of(http(source, staging.dir()));
      } else if (lower.startsWith("pvc://")) {
        staged = copyLocal(pvcPath(source), staging.dir(), source);
      } else if (lower.startsWith("file://")) {
        staged = copyLocal(Path.of(URI.create(source)), staging.dir(), source);
      } else if (source.contains("://")) {
        throw usage("unsupported source scheme in " + redact(source));
      } else {
        staged = copyLocal(Path.of(source), staging.dir(), source);
      }
      if (sha256 != null) {
        if (staged.size() != 1) {
          throw new LoaderException(
              LoaderException.USAGE,
              "--sha256 applies to a single file; the source held " + staged.size());
        }
        String actual = Digests.hex(staged.get(0), "SHA-256");
        if (!actual.equals(sha256)) {
          throw new LoaderException(
              LoaderException.INTEGRITY,
              "sha256 of "
                  + staged.get(0).getFileName()
                  + " is "
                  + actual
                  + ", expected "
                  + sha256);
        }
      }
      Path absDest = dest.toAbsolutePath().normalize();
      for (Path p : staged) {
        result.add(absDest.resolve(staging.dir().relativize(p)));
      }
      staging.commit();
    }
    return result;
  }

  Path pvcPath(String source) throws LoaderException {
    String rest = source.substring("pvc://".length());
    int slash = rest.indexOf('/');
    String claim = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "" : rest.substring(slash + 1);
    if (claim.isEmpty()) {
      throw usage("no claim name in " + source);
    }
    Path root = Path.of(env.getOrDefault("KILN_PVC_ROOT", DEFAULT_PVC_ROOT)).toAbsolutePath();
    Path claimRoot = root.resolve(claim).normalize();
    Path resolved = claimRoot.resolve(path).normalize();
    if (!claimRoot.startsWith(root) || !resolved.startsWith(claimRoot)) {
      throw new LoaderException(LoaderException.USAGE, source + " leaves the claim's mount");
    }
    if (!Files.isDirectory(claimRoot)) {
      throw new LoaderException(
          LoaderException.NOT_FOUND,
          "claim '" + claim + "' is not mounted at " + claimRoot + " (KILN_PVC_ROOT=" + root + ")");
    }
    return resolved;
  }

  private static List<Path> copyLocal(Path from, Path into, String source)
      throws LoaderException, IOException {
    if (!Files.exists(from)) {
      throw new LoaderException(
          LoaderException.NOT_FOUND, "nothing at " + source + " (" + from + ")");
    }
    List<Path> files = new ArrayList<>();
    if (Files.isRegularFile(from)) {
      Path target = into.resolve(from.getFileName().toString());
      copyChecked(from, target);
      files.add(target);
      return files;
    }
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            Files.createDirectories(into.resolve(from.relativize(dir).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (attrs.isRegularFile()) {
              Path target = into.resolve(from.relativize(file).toString());
              copyChecked(file, target);
              files.add(target);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    return files;
  }

  private static void copyChecked(Path from, Path to) throws IOException {
    long expected = Files.size(from);
    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    if (Files.size(to) != expected) {
      throw new IOException(
          "copy of " + from + " is " + Files.size(to) + " bytes, expected " + expected);
    }
  }

  private Path http(String source, Path into) throws LoaderException, IOException {
    URI uri = URI.create(source);
    String path = uri.getPath() == null ? "" : uri.getPath();
    String name = path.substring(path.lastIndexOf('/') + 1);
    if (name.isEmpty()) {
      name = "download";
    }
    Path target = into.resolve(name);
    int readTimeout =
        Integer.parseInt(env.getOrDefault("KILN_LOADER_READ_TIMEOUT_SECONDS", "60").trim());
    HttpURLConnection connection;
    int status;
    try {
      connection = (HttpURLConnection) uri.toURL().openConnection();
      connection.setConnectTimeout(15_000);
      // A transfer that stalls this long counts as broken off.
      connection.setReadTimeout(readTimeout * 1000);
      connection.setInstanceFollowRedirects(true);
      status = connection.getResponseCode();
    } catch (IOException e) {
      throw new LoaderException(
          LoaderException.IO, "cannot reach " + redact(source) + ": " + describe(e), e);
    }
    try {
      if (status == 404 || status == 410) {
        throw new LoaderException(
            LoaderException.NOT_FOUND, redact(source) + " answered HTTP " + status);
      }
      if (status == 401 || status == 403) {
        throw new LoaderException(
            LoaderException.ACCESS_DENIED,
            redact(source) + " refused access (HTTP " + status + ")");
      }
      if (status / 100 != 2) {
        throw new LoaderException(LoaderException.IO, redact(source) + " answered HTTP " + status);
      }
      long length = connection.getContentLengthLong();
      try (InputStream body = connection.getInputStream()) {
        Files.copy(body, target, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new LoaderException(
            LoaderException.IO,
            "transfer from " + redact(source) + " broke off: " + describe(e),
            e);
      }
      long size = Files.size(target);
      if (length >= 0 && size < length) {
        throw new LoaderException(
            LoaderException.IO,
            "transfer from "
                + redact(source)
                + " broke off after "
                + size
                + " of "
                + length
                + " bytes");
      }
      if (length >= 0 && size != length) {
        throw new LoaderException(
            LoaderException.INTEGRITY,
            redact(source) + ": got " + size + " bytes, Content-Length said " + length);
      }
      return target;
    } finally {
      connection.disconnect();
    }
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : S3Store.firstLine(m);
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
