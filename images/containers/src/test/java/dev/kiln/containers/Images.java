package dev.kiln.containers;

import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The images under test, built once per test JVM by {@code images/build.sh} (the script users and
 * CI run) with the engine on this machine. Without an engine every test is skipped with what to
 * install.
 */
final class Images {
  /** The repository root (failsafe runs in this module's folder, images/containers). */
  static final Path ROOT = Path.of("").toAbsolutePath().resolve("../..").normalize();

  static final String VERSION = System.getProperty("kiln.version", "0.1.0");

  /** Where containers find the model, data and workspace folders the tests give them. */
  static final Path WORK = ROOT.resolve("images/containers/target/container-work");

  static final ObjectMapper JSON = new ObjectMapper();

  private static final Optional<ContainerEngine> ENGINE = ContainerEngine.detect(ROOT);
  private static final Set<String> BUILT = new HashSet<>();

  static {
    if (ENGINE.isEmpty()) { // surefire prints only counts of skipped tests; say why once
      System.out.println("[images] the images tier is skipped: " + ContainerEngine.MISSING);
    }
  }

  private Images() {}

  /** The engine, or the test is skipped naming what to install. */
  static ContainerEngine engine() {
    assumeTrue(ENGINE.isPresent(), ContainerEngine.MISSING);
    return ENGINE.orElseThrow();
  }

  /** {@code ghcr.io/kiln-dev/kiln-<name>:<version>}, built by images/build.sh if not yet. */
  static String image(String name) {
    build(name);
    return name.equals("python-trainer")
        ? "kiln-dev/python-trainer-example:" + VERSION
        : "ghcr.io/kiln-dev/kiln-" + name + ":" + VERSION;
  }

  private static synchronized void build(String name) {
    ContainerEngine engine = engine();
    if (BUILT.contains(name)) {
      return;
    }
    Map<String, String> env = new HashMap<>(engine.environment());
    env.put("KILN_ENGINE", engine.name());
    long start = System.nanoTime();
    ContainerEngine.Result built =
        ContainerEngine.exec(
            List.of("bash", ROOT.resolve("images/build.sh").toString(), name),
            env,
            Duration.ofMinutes(30));
    assumeFalse(built.exitCode() == 3, "cannot make base images: apt-get install debootstrap");
    if (!built.ok()) {
      throw new IllegalStateException("images/build.sh " + name + " failed:\n" + built.stderr());
    }
    BUILT.add(name);
    String tag = image(name);
    String size =
        engine
            .check(Duration.ofMinutes(1), List.of("image", "inspect", "--format", "{{.Size}}", tag))
            .stdout()
            .strip();
    System.out.printf(
        "[images] %s: %s in %.1f s, %d MB (%s)%n",
        name,
        built.stderr().strip().replace('\n', ';'),
        (System.nanoTime() - start) / 1e9,
        Long.parseLong(size) / 1_000_000,
        engine.name());
  }

  /**
   * The image's HEALTHCHECK test command ({@code ["CMD", ...]}), empty when the image has none:
   * podman keeps it beside the OCI config, docker inside it.
   */
  static List<String> healthcheck(String tag) {
    ContainerEngine engine = engine();
    String format =
        engine.name().equals("podman") ? "{{json .HealthCheck}}" : "{{json .Config.Healthcheck}}";
    String json =
        engine
            .check(Duration.ofMinutes(1), List.of("image", "inspect", "--format", format, tag))
            .stdout()
            .strip();
    try {
      JsonNode test = JSON.readTree(json.isEmpty() ? "null" : json).path("Test");
      List<String> command = new ArrayList<>();
      test.forEach(n -> command.add(n.asText()));
      return command;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot read the healthcheck of " + tag + ": " + json, e);
    }
  }

  /** The image's user, as {@code uid:gid}. */
  static String user(String tag) {
    return engine()
        .check(
            Duration.ofMinutes(1), List.of("image", "inspect", "--format", "{{.Config.User}}", tag))
        .stdout()
        .strip();
  }

  /** A fresh folder under target/ that a container user in group 65532 may read and write. */
  static Path folder(String name) {
    try {
      Files.createDirectories(WORK);
      Path dir = Files.createTempDirectory(WORK, name + "-");
      shareWithGroup(dir);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * What a pod's {@code fsGroup: 65532} does to a volume: group 65532, group-writable, set-gid so
   * new files inherit the group, nothing for others. Not root: open to all instead.
   */
  static void shareWithGroup(Path dir) {
    boolean root =
        ContainerEngine.exec(
                List.of("chown", ":65532", dir.toString()), Map.of(), Duration.ofSeconds(10))
            .ok();
    ContainerEngine.exec(
        List.of("chmod", root ? "2770" : "0777", dir.toString()), Map.of(), Duration.ofSeconds(10));
  }

  /** Readable and writable by any user, as the kubelet makes the termination-message file. */
  static void openToAll(Path file) {
    ContainerEngine.exec(
        List.of("chmod", "0666", file.toString()), Map.of(), Duration.ofSeconds(10));
  }

  /** A free port on loopback (containers here share the host's network). */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
