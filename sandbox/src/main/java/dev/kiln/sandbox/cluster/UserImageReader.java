package dev.kiln.sandbox.cluster;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a user's build context ({@code --image NAME=DIR}) into the image the sandbox runs: the
 * final stage of {@code DIR/Dockerfile} (a stage may start from an earlier one) with its WORKDIR,
 * ENV, USER, ENTRYPOINT and CMD (exec or shell form), and the folders its COPY and ADD instructions
 * fill from the context. The image's working directory becomes the context folder copied there
 * ({@code COPY . /app} with {@code WORKDIR /app}: the context itself). RUN is not run: what it
 * would install, the host's Python must have ({@link PythonImports} checks).
 */
public final class UserImageReader {
  private UserImageReader() {}

  /** The state of one build stage. */
  private static final class Stage {
    String workdir = "/";
    String user;
    Map<String, String> env = new LinkedHashMap<>();
    List<String> entrypoint = List.of();
    List<String> cmd = List.of();
    Map<String, Copied> paths = new LinkedHashMap<>();

    Stage copy() {
      Stage s = new Stage();
      s.workdir = workdir;
      s.user = user;
      s.env = new LinkedHashMap<>(env);
      s.entrypoint = entrypoint;
      s.cmd = cmd;
      s.paths = new LinkedHashMap<>(paths);
      return s;
    }
  }

  /** A context folder copied to a container folder; a whole folder wins over single files. */
  private record Copied(Path host, boolean folder) {}

  /**
   * The image {@code name} ({@code repository[:tag]}) built from {@code context}; an {@link
   * IllegalArgumentException} names what is wrong (no such folder, no Dockerfile, a broken
   * instruction).
   */
  public static LocalImage read(String name, Path context) {
    Path dockerfile = context.resolve("Dockerfile");
    if (!Files.isDirectory(context)) {
      throw new IllegalArgumentException("no such folder: " + context);
    }
    if (!Files.isRegularFile(dockerfile)) {
      throw new IllegalArgumentException("no Dockerfile in " + context);
    }
    String text;
    try {
      text = Files.readString(dockerfile);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + dockerfile + ": " + e.getMessage(), e);
    }
    Stage stage = finalStage(LocalImage.instructions(text), context.toAbsolutePath().normalize());
    Map<String, Path> paths = new LinkedHashMap<>();
    stage.paths.forEach((k, v) -> paths.put(k, v.host()));
    int colon = name.lastIndexOf(':');
    boolean tagged = colon > name.lastIndexOf('/');
    return new LocalImage(
        tagged ? name.substring(0, colon) : name,
        tagged ? name.substring(colon + 1) : null,
        Map.copyOf(stage.env),
        stage.entrypoint,
        stage.cmd,
        hostFolder(stage.workdir, paths).orElse(context.toAbsolutePath().normalize()),
        stage.user,
        Map.copyOf(paths),
        LocalImage.Launcher.PYTHON,
        context.toAbsolutePath().normalize());
  }

  private static Stage finalStage(List<String> lines, Path context) {
    Map<String, Stage> named = new HashMap<>();
    Map<String, String> args = new HashMap<>();
    Stage stage = new Stage();
    for (String line : lines) {
      String keyword = line.split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
      String rest = line.substring(keyword.length()).strip();
      Map<String, String> vars = new HashMap<>(args);
      vars.putAll(stage.env);
      switch (keyword) {
        case "FROM" -> {
          String[] words = rest.split("\\s+", -1);
          Stage base = named.get(words[0].toLowerCase(Locale.ROOT));
          stage = base == null ? new Stage() : base.copy();
          if (words.length >= 3 && words[words.length - 2].equalsIgnoreCase("AS")) {
            named.put(words[words.length - 1].toLowerCase(Locale.ROOT), stage);
          }
        }
        case "ARG" -> {
          String[] kv = rest.split("=", 2);
          args.putIfAbsent(kv[0].strip(), kv.length > 1 ? unquote(kv[1].strip()) : "");
        }
        case "ENV" -> env(rest, vars).forEach(stage.env::put);
        case "WORKDIR" -> stage.workdir = containerPath(substitute(rest, vars), stage.workdir);
        case "USER" -> stage.user = substitute(rest, vars);
        case "ENTRYPOINT" -> stage.entrypoint = command(rest, keyword);
        case "CMD" -> stage.cmd = command(rest, keyword);
        case "COPY", "ADD" -> copy(words(rest), vars, stage, context);
        default -> {} // RUN, LABEL, EXPOSE, HEALTHCHECK…: nothing the sandbox runs
      }
    }
    return stage;
  }

  /** ENV in both forms: {@code K=V K2="v 2"} and the legacy {@code K some value}. */
  private static Map<String, String> env(String rest, Map<String, String> vars) {
    Map<String, String> out = new LinkedHashMap<>();
    String[] legacy = rest.split("\\s+", 2);
    if (!legacy[0].contains("=")) {
      out.put(legacy[0], substitute(legacy.length > 1 ? legacy[1] : "", vars));
      return out;
    }
    for (String word : words(rest)) {
      String[] kv = word.split("=", 2);
      if (kv.length == 2) {
        out.put(kv[0], substitute(kv[1], vars));
      }
    }
    return out;
  }

  /** The exec form (a JSON array), or the shell form as Docker runs it: {@code /bin/sh -c}. */
  private static List<String> command(String rest, String keyword) {
    if (!rest.startsWith("[")) {
      return List.of("/bin/sh", "-c", rest);
    }
    try {
      return List.of(Serialization.unmarshal(rest, String[].class));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          keyword + " is neither a JSON array nor a shell command: " + rest, e);
    }
  }

  /** A COPY or ADD from the context (one from another stage or an image is skipped). */
  private static void copy(List<String> words, Map<String, String> vars, Stage stage, Path ctx) {
    List<String> operands = new ArrayList<>();
    for (String w : words) {
      if (w.startsWith("--from=")) {
        return; // files of another stage: built by RUN, which the sandbox does not run
      }
      if (!w.startsWith("--")) {
        operands.add(substitute(w, vars));
      }
    }
    if (operands.size() < 2) {
      return;
    }
    String dest = operands.get(operands.size() - 1);
    List<String> sources = operands.subList(0, operands.size() - 1);
    String destPath = containerPath(dest, stage.workdir);
    boolean destIsFolder = dest.endsWith("/") || dest.equals(".") || sources.size() > 1;
    for (String source : sources) {
      Path host = ctx.resolve(source).normalize();
      if (!host.startsWith(ctx) || source.contains("://")) {
        continue; // outside the context, or a URL (ADD): nothing local to map
      }
      boolean folder = Files.isDirectory(host);
      String target = folder || destIsFolder ? destPath : parent(destPath);
      Path from = folder ? host : host.getParent();
      Copied old = stage.paths.get(target);
      if (old == null || folder || !old.folder()) {
        stage.paths.put(target, new Copied(from, folder));
      }
    }
  }

  /** The host folder for a container path under a folder the image copies into. */
  static java.util.Optional<Path> hostFolder(String containerPath, Map<String, Path> paths) {
    String best = null;
    for (String p : paths.keySet()) {
      boolean under =
          containerPath.equals(p) || containerPath.startsWith(p.equals("/") ? p : p + "/");
      if (under && (best == null || p.length() > best.length())) {
        best = p;
      }
    }
    if (best == null) {
      return java.util.Optional.empty();
    }
    String rest = containerPath.substring(best.length()).replaceFirst("^/", "");
    Path host = rest.isEmpty() ? paths.get(best) : paths.get(best).resolve(rest);
    // Under "/" every path is: only those the context has are the image's.
    return best.equals("/") && !Files.exists(host)
        ? java.util.Optional.empty()
        : java.util.Optional.of(host);
  }

  private static String containerPath(String path, String workdir) {
    String p = unquote(path);
    String joined = p.startsWith("/") ? p : (workdir.endsWith("/") ? workdir : workdir + "/") + p;
    String normal = Path.of(joined).normalize().toString();
    return normal.length() > 1 && normal.endsWith("/")
        ? normal.substring(0, normal.length() - 1)
        : normal;
  }

  private static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "/" : path.substring(0, slash);
  }

  /** Words of an instruction: a JSON array, or whitespace-separated with quotes kept together. */
  private static List<String> words(String rest) {
    if (rest.startsWith("[")) {
      try {
        return Arrays.asList(Serialization.unmarshal(rest, String[].class));
      } catch (RuntimeException e) {
        // not JSON after all: split it as words
      }
    }
    List<String> out = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    char quote = 0;
    for (int i = 0; i < rest.length(); i++) {
      char ch = rest.charAt(i);
      if (quote != 0) {
        if (ch == quote) {
          quote = 0;
        } else {
          word.append(ch);
        }
      } else if (ch == '"' || ch == '\'') {
        quote = ch;
      } else if (Character.isWhitespace(ch)) {
        if (word.length() > 0) {
          out.add(word.toString());
          word.setLength(0);
        }
      } else {
        word.append(ch);
      }
    }
    if (word.length() > 0) {
      out.add(word.toString());
    }
    return out;
  }

  /** Docker's {@code $VAR}, {@code ${VAR}} and {@code ${VAR:-default}} from ARG and ENV. */
  static String substitute(String text, Map<String, String> vars) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\\}|([A-Za-z_][A-Za-z0-9_]*))")
            .matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(3);
      String value = vars.get(name);
      if (value == null || (value.isEmpty() && m.group(2) != null)) {
        value = m.group(2) != null ? m.group(2) : "";
      }
      m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return unquote(out.toString());
  }

  private static String unquote(String s) {
    return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")
        ? s.substring(1, s.length() - 1)
        : s;
  }
}
