package dev.kiln.sandbox.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An image as the sandbox runs it: the final stage of its Dockerfile (ENV, USER, ENTRYPOINT, CMD)
 * and the folder that stands for its working directory. A reference image ({@link #fromDockerfile})
 * is named by its title and version labels and runs from the Maven module's {@code target/} folder,
 * where the build put exactly the files the Dockerfile copies into the image. A user's image
 * ({@link UserImageReader}) is named by the user, runs from its build context, and {@code paths}
 * maps the folders its Dockerfile copies into (container path to host folder).
 *
 * @param title the repository, with or without registry and path ({@code kiln-trainer}, {@code
 *     registry.example/team/train})
 * @param version the tag; null matches any
 * @param user the final stage's USER, null when it sets none (the image then runs as root)
 * @param launcher what its command runs with: this JDK's java, or the host's Python
 * @param context a user's image's build context (what container mode builds with the engine); null
 *     for a reference image, which {@code images/build.sh} builds
 */
public record LocalImage(
    String title,
    String version,
    Map<String, String> env,
    List<String> entrypoint,
    List<String> cmd,
    Path workdir,
    String user,
    Map<String, Path> paths,
    Launcher launcher,
    Path context)
    implements PulledImage {

  /** The program a container of the image runs, which the host has to provide. */
  public enum Launcher {
    /** Kiln's reference images: this JDK's {@code java}. */
    JAVA,
    /** A user's image: the host's Python ({@link HostPython}). */
    PYTHON
  }

  /** A reference image: no image paths beyond its working directory. */
  public LocalImage(
      String title,
      String version,
      Map<String, String> env,
      List<String> entrypoint,
      List<String> cmd,
      Path workdir,
      String user) {
    this(title, version, env, entrypoint, cmd, workdir, user, Map.of(), Launcher.JAVA, null);
  }

  /** How the kubelet's status names the image a host process runs. */
  @Override
  public String imageId() {
    return "sandbox://" + reference();
  }

  private static final Pattern PAIR =
      Pattern.compile("([A-Za-z0-9_.-]+)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S+)");
  private static final Pattern COPY_FROM =
      Pattern.compile("COPY\\s+--from=\\S+\\s+/src/(\\S+)\\s+(\\S+)");

  /**
   * Whether {@code ref} (registry/repository:tag) names this image: the same repository, or one
   * ending in {@code /<title>} (any registry), and the same tag unless either names none.
   */
  public boolean matches(String ref) {
    String name = ref;
    String tag = null;
    int at = name.indexOf('@');
    if (at >= 0) {
      name = name.substring(0, at);
    }
    int colon = name.lastIndexOf(':');
    if (colon > name.lastIndexOf('/')) {
      tag = name.substring(colon + 1);
      name = name.substring(0, colon);
    }
    boolean repository = name.equals(title) || name.endsWith("/" + title);
    return repository && (tag == null || version == null || tag.equals(version));
  }

  public String reference() {
    return version == null ? title : title + ":" + version;
  }

  /**
   * Reads the final stage of a Dockerfile whose COPY instructions take files from one module's
   * build output ({@code /src/<module>/target/...}).
   */
  public static LocalImage fromDockerfile(Path dockerfile, Path repositoryRoot) {
    List<String> lines;
    try {
      lines = instructions(Files.readString(dockerfile));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dockerfile, e);
    }
    Map<String, String> labels = new LinkedHashMap<>();
    Map<String, String> env = new LinkedHashMap<>();
    List<String> entrypoint = List.of();
    List<String> cmd = List.of();
    Path workdir = null;
    String user = null;
    for (String line : lines) {
      String keyword = line.split("\\s+", 2)[0].toUpperCase(java.util.Locale.ROOT);
      String rest = line.substring(keyword.length()).strip();
      switch (keyword) {
        case "FROM" -> { // a new stage: only the last one is the image
          labels.clear();
          env.clear();
          entrypoint = List.of();
          cmd = List.of();
          workdir = null;
          user = null;
        }
        case "USER" -> user = rest;
        case "LABEL" -> labels.putAll(pairs(rest));
        case "ENV" -> env.putAll(pairs(rest));
        case "ENTRYPOINT" -> entrypoint = jsonArray(rest, dockerfile);
        case "CMD" -> cmd = jsonArray(rest, dockerfile);
        case "COPY" -> workdir = copySource(line, workdir, repositoryRoot, dockerfile);
        default -> {}
      }
    }
    String title = labels.get("org.opencontainers.image.title");
    String version = labels.get("org.opencontainers.image.version");
    if (title == null || version == null || entrypoint.isEmpty() || workdir == null) {
      throw new IllegalArgumentException(
          dockerfile
              + ": needs the labels org.opencontainers.image.title and .version, an ENTRYPOINT"
              + " and COPY --from=build /src/<module>/target/<file> instructions");
    }
    return new LocalImage(title, version, Map.copyOf(env), entrypoint, cmd, workdir, user);
  }

  /** The image's files come from one build folder; that folder is its working directory. */
  private static Path copySource(String line, Path workdir, Path root, Path dockerfile) {
    Matcher m = COPY_FROM.matcher(line);
    if (!m.find()) {
      return workdir;
    }
    Path source = root.resolve(m.group(1)).normalize();
    Path folder = source.getParent();
    if (workdir != null && !workdir.equals(folder)) {
      throw new IllegalArgumentException(
          dockerfile + ": files are copied from two folders, " + workdir + " and " + folder);
    }
    return folder;
  }

  /** The Dockerfile's instructions, comments dropped and continuation lines joined. */
  static List<String> instructions(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : text.split("\n", -1)) {
      String line = raw.strip();
      if (line.startsWith("#")) {
        continue;
      }
      boolean continues = line.endsWith("\\");
      current.append(continues ? line.substring(0, line.length() - 1) : line).append(' ');
      if (!continues) {
        String instruction = current.toString().strip();
        if (!instruction.isEmpty()) {
          out.add(instruction);
        }
        current.setLength(0);
      }
    }
    return out;
  }

  private static Map<String, String> pairs(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = PAIR.matcher(text);
    while (m.find()) {
      String value = m.group(2);
      if (value.startsWith("\"")) {
        value = value.substring(1, value.length() - 1).replace("\\\"", "\"");
      }
      out.put(m.group(1), value);
    }
    return out;
  }

  private static List<String> jsonArray(String text, Path dockerfile) {
    try {
      return List.of(
          io.fabric8.kubernetes.client.utils.Serialization.unmarshal(text, String[].class));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          dockerfile + ": ENTRYPOINT and CMD must use the JSON (exec) form: " + text, e);
    }
  }
}
