package dev.kiln.sandbox.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.containers.ContainerEngine;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Containers of a real engine, podman or docker: each container of a pod is created from its image
 * with the pod's settings ({@link EngineCreate}) and started attached, its output appended to the
 * container's log file (what {@code kubectl logs} reads; {@code podman logs} has it too). Its exit
 * code and whether it was killed for its memory limit come from the engine ({@code inspect}) and
 * the kernel ({@link KernelOomLog}). The images are the engine's: Kiln's reference images built by
 * {@code images/build.sh} from the jars Maven built, the user's ({@code --image NAME=DIR}) built
 * from their contexts, any other pulled. Exited containers stay (the engine shows them, labelled as
 * the kubelet labels its containers) until their pod is deleted or the sandbox stops.
 */
final class EngineContainers extends ContainerRuntime {
  private static final Logger log = LoggerFactory.getLogger(EngineContainers.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The registry and path images/build.sh tags Kiln's reference images with. */
  static final String REFERENCE_REGISTRY = "ghcr.io/kiln-dev/";

  private final ContainerEngine engine;
  private final EngineCreate create;
  private final String description;

  private EngineContainers(ContainerEngine engine, EngineCreate create, String description) {
    this.engine = engine;
    this.create = create;
    this.description = description;
  }

  /**
   * The engine's runtime for the sandbox in {@code dir}: containers a killed sandbox left there
   * removed, the reference images and the user's built.
   *
   * @throws IllegalStateException naming the build that failed
   */
  static EngineContainers open(
      ContainerEngine engine, Path root, Path dir, LocalImages images, Consumer<String> notices) {
    String sandbox = dir.toAbsolutePath().normalize().toString();
    remove(engine, EngineCreate.SANDBOX_LABEL + "=" + sandbox);
    Host host = Host.of(engine);
    if (!host.limits()) {
      notices.accept(
          "memory and CPU limits are not enforced: "
              + engine.name()
              + " has no memory and cpu cgroup controllers here (rootless on cgroup v1)");
    }
    buildReferenceImages(engine, root, images);
    for (LocalImage image : images.users()) {
      build(engine, image);
    }
    return new EngineContainers(
        engine,
        new EngineCreate(engine.name(), sandbox, host.limits()),
        engine.name()
            + " containers ("
            + host.runtime()
            + "), on this machine's network at their pods' addresses; memory and CPU limits "
            + (host.limits() ? "enforced" : "not enforced"));
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public Optional<ContainerEngine> engine() {
    return Optional.of(engine);
  }

  /** How images/build.sh tags a reference image, or the user's name for the user's. */
  static String tag(LocalImage image) {
    return image.context() == null ? REFERENCE_REGISTRY + image.reference() : image.reference();
  }

  @Override
  PulledImage pull(Node node, Container container) throws StartupError {
    String ref = container.getImage();
    // The sandbox's own images first, found by name as in host-process mode.
    String tag = node.images().find(ref).map(EngineContainers::tag).orElse(ref);
    Optional<EngineImage> image = inspect(tag);
    if (image.isPresent()) {
      return image.get();
    }
    if ("Never".equals(container.getImagePullPolicy())) {
      throw new StartupError(
          "ErrImageNeverPull",
          "Container image \"" + ref + "\" is not present with pull policy of Never");
    }
    ContainerEngine.Result pulled = engine.run(Duration.ofMinutes(5), List.of("pull", "-q", tag));
    if (!pulled.ok()) {
      throw new StartupError(
          "ErrImagePull",
          "failed to pull image \""
              + ref
              + "\": "
              + lastLine(pulled.stderr())
              + " (the sandbox builds "
              + node.images().describe()
              + "; build your own with --image "
              + ref
              + "=<build context>)");
    }
    return inspect(tag)
        .orElseThrow(
            () -> new StartupError("ErrImagePull", "pulled \"" + ref + "\" but cannot find it"));
  }

  @Override
  RunningContainer start(Node node, Launch launch, PulledImage pulled)
      throws StartupError, IOException {
    EngineImage image = (EngineImage) pulled;
    Container c = launch.container();
    // The termination-message file: fresh, and writable by any user, as the kubelet creates it.
    Files.createDirectories(launch.terminationLog().getParent());
    Files.deleteIfExists(launch.terminationLog());
    Files.createFile(launch.terminationLog());
    Files.setPosixFilePermissions(
        launch.terminationLog(), PosixFilePermissions.fromString("rw-rw-rw-"));
    for (VolumeMount m : list(c.getVolumeMounts())) {
      Path volume = launch.volumes().get(m.getName());
      if (volume != null && m.getSubPath() != null && !m.getSubPath().isEmpty()) {
        VolumeOwnership.subPath(volume, volume.resolve(m.getSubPath()));
      }
    }
    String name =
        String.join(
            "_",
            "k8s",
            c.getName(),
            launch.pod().getMetadata().getName(),
            launch.pod().getMetadata().getNamespace(),
            launch.pod().getMetadata().getUid(),
            Integer.toString(launch.attempt()));
    List<String> args =
        create.args(name, launch, image, v -> node.dns().resolve(v, launch.podIp()));
    ContainerEngine.Result created = engine.run(Duration.ofMinutes(2), args);
    if (!created.ok() && created.stderr().contains("already in use")) {
      // A start that failed after its container was created: that one is in the way.
      engine.run(Duration.ofMinutes(1), List.of("rm", "-f", name));
      created = engine.run(Duration.ofMinutes(2), args);
    }
    if (!created.ok()) {
      throw new StartupError("CreateContainerError", created.stderr().strip());
    }
    String id = lastLine(created.stdout());
    Files.createDirectories(launch.log().getParent());
    ProcessBuilder attached =
        new ProcessBuilder(engine.command(List.of("start", "--attach", name)))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(launch.log().toFile()));
    attached.environment().putAll(engine.environment());
    Process client = attached.start();
    node.ledger().started(client); // a killed sandbox's next start stops it with its container
    return new EngineContainer(engine, name, id, client, launch.log());
  }

  /**
   * The kubelet's work on the pod's volumes: an emptyDir is open to every user, and with an fsGroup
   * every volume belongs to that group ({@link VolumeOwnership}).
   */
  @Override
  void prepareVolumes(Pod pod, Map<String, Path> volumes) throws IOException {
    Long fsGroup =
        pod.getSpec().getSecurityContext() == null
            ? null
            : pod.getSpec().getSecurityContext().getFsGroup();
    for (Volume v : list(pod.getSpec().getVolumes())) {
      Path folder = volumes.get(v.getName());
      if (folder == null) {
        continue;
      }
      if (v.getEmptyDir() != null) {
        VolumeOwnership.openToAll(folder);
      }
      if (fsGroup != null) {
        VolumeOwnership.apply(folder, fsGroup, EngineCreate.projected(v));
      }
    }
  }

  @Override
  void removePod(Pod pod, Thread runner) {
    Thread remover =
        new Thread(
            () -> {
              try {
                runner.join(60_000);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              remove(engine, EngineCreate.POD_UID_LABEL + "=" + pod.getMetadata().getUid());
            },
            "remove containers of " + pod.getMetadata().getName());
    remover.setDaemon(true);
    remover.start();
  }

  @Override
  public void close() {
    remove(engine, EngineCreate.SANDBOX_LABEL + "=" + create.sandbox());
  }

  private Optional<EngineImage> inspect(String tag) {
    ContainerEngine.Result r = engine.run(Duration.ofMinutes(1), List.of("image", "inspect", tag));
    if (!r.ok()) {
      return Optional.empty();
    }
    try {
      return Optional.of(EngineImage.of(tag, JSON.readTree(r.stdout())));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + engine.name() + " image inspect " + tag, e);
    }
  }

  /** Removes the containers with the label {@code key=value}, running or not. */
  private static void remove(ContainerEngine engine, String label) {
    ContainerEngine.Result ids =
        engine.run(Duration.ofMinutes(1), List.of("ps", "-a", "-q", "--filter", "label=" + label));
    List<String> found = ids.stdout().lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    if (ids.ok() && !found.isEmpty()) {
      List<String> rm = new ArrayList<>(List.of("rm", "-f"));
      rm.addAll(found);
      engine.run(Duration.ofMinutes(2), rm);
    }
  }

  /**
   * Kiln's reference images from the jars Maven built, with the script users and CI run; it makes
   * the base image first when it is missing (images/base/build-local-bases.sh).
   */
  private static void buildReferenceImages(ContainerEngine engine, Path root, LocalImages images) {
    List<String> command =
        new ArrayList<>(List.of("bash", root.resolve("images/build.sh").toString()));
    images.all().forEach(i -> command.add(i.title().replaceFirst("^kiln-", "")));
    Map<String, String> env = new HashMap<>(engine.environment());
    env.put("KILN_ENGINE", engine.name());
    ContainerEngine.Result built = ContainerEngine.exec(command, env, Duration.ofMinutes(30));
    if (!built.ok()) {
      throw new IllegalStateException(
          "images/build.sh failed"
              + (built.exitCode() == 3 ? " (apt-get install debootstrap)" : "")
              + ": "
              + tail(built.stderr()));
    }
    log.info("reference images: {}", built.stderr().strip().replace('\n', ';'));
  }

  /** A user's image from its build context, in Docker format (HEALTHCHECK kept, as build.sh). */
  private static void build(ContainerEngine engine, LocalImage image) {
    List<String> command = new ArrayList<>(List.of("build"));
    if (engine.name().equals("podman")) {
      command.addAll(List.of("--format", "docker"));
    }
    command.addAll(
        List.of(
            "-q",
            "-t",
            tag(image),
            "-f",
            image.context().resolve("Dockerfile").toString(),
            image.context().toString()));
    ContainerEngine.Result built = engine.run(Duration.ofMinutes(30), command);
    if (!built.ok()) {
      throw new IllegalStateException(
          "--image "
              + image.reference()
              + "="
              + image.context()
              + ": "
              + engine.name()
              + " build failed: "
              + tail(built.stderr() + built.stdout()));
    }
  }

  private static String lastLine(String text) {
    List<String> lines = text.strip().lines().toList();
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1).strip();
  }

  private static String tail(String text) {
    List<String> lines = text.strip().lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
  }

  private static <T> List<T> list(List<T> list) {
    return list == null ? List.of() : list;
  }

  /** What the engine's host offers: its OCI runtime, and whether it can enforce limits. */
  private record Host(String runtime, boolean limits) {
    static Host of(ContainerEngine engine) {
      boolean podman = engine.name().equals("podman");
      ContainerEngine.Result info =
          engine.run(
              Duration.ofMinutes(1),
              List.of(
                  "info",
                  "--format",
                  podman
                      ? "{{.Host.OCIRuntime.Name}} {{.Host.CgroupControllers}}"
                      : "{{.DefaultRuntime}} {{.MemoryLimit}} {{.CPUCfsQuota}}"));
      String out = info.stdout().strip();
      String runtime = out.isEmpty() ? "unknown runtime" : out.split("\\s+", 2)[0];
      boolean limits =
          podman
              ? out.matches(".*\\bmemory\\b.*") && out.matches(".*\\bcpu\\b.*")
              : out.endsWith("true true");
      return new Host(runtime, limits);
    }
  }

  /**
   * A created container, started attached: the attached client's output is the container's, and it
   * exits when the container does.
   */
  private static final class EngineContainer implements RunningContainer {
    private final ContainerEngine engine;
    private final String name;
    private final String id;
    private final Process attached;
    private final Path log;
    private volatile boolean stopped;

    EngineContainer(ContainerEngine engine, String name, String id, Process attached, Path log) {
      this.engine = engine;
      this.name = name;
      this.id = id;
      this.attached = attached;
      this.log = log;
    }

    @Override
    public String id() {
      return engine.name() + "://" + id;
    }

    @Override
    public boolean alive() {
      return attached.isAlive();
    }

    @Override
    public Exit exit() {
      ContainerEngine.Result r =
          engine.run(
              Duration.ofMinutes(1), List.of("inspect", "--format", "{{json .State}}", name));
      if (!r.ok()) {
        return Exit.of(attached.exitValue());
      }
      JsonNode state;
      try {
        state = JSON.readTree(r.stdout());
      } catch (IOException e) {
        return Exit.of(attached.exitValue());
      }
      int code = state.path("ExitCode").asInt(attached.exitValue());
      if (state.path("StartedAt").asText("").startsWith("0001-")) {
        // Its process never started (no such executable, say): containerd's StartError, 128.
        String error = state.path("Error").asText("");
        return new Exit(128, "StartError", error.isEmpty() ? engineError() : error);
      }
      boolean oom =
          state.path("OOMKilled").asBoolean(false)
              || (code != 0 && !stopped && KernelOomLog.killed(id));
      return new Exit(code, oom ? "OOMKilled" : null, null);
    }

    /** The engine's own error, which the attached client printed last (podman 4 keeps none). */
    private String engineError() {
      try {
        List<String> lines = Files.readAllLines(log);
        for (int i = lines.size() - 1; i >= 0; i--) {
          if (lines.get(i).startsWith("Error: ")) {
            return lines.get(i).substring("Error: ".length());
          }
        }
      } catch (IOException e) {
        // no log: say what is known
      }
      return engine.name() + " start exited " + attached.exitValue();
    }

    @Override
    public void stop(Duration grace) {
      stopped = true;
      engine.run(
          grace.plusSeconds(30),
          List.of("stop", "-t", Long.toString(Math.max(0, grace.toSeconds())), name));
      try {
        if (!attached.waitFor(10, TimeUnit.SECONDS)) {
          attached.destroyForcibly();
        }
      } catch (InterruptedException e) {
        attached.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
