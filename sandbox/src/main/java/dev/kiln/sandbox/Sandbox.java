package dev.kiln.sandbox;

import dev.kiln.operator.KilnOperator;
import dev.kiln.operator.OperatorConfig;
import dev.kiln.sandbox.cluster.ContainerRuntime;
import dev.kiln.sandbox.cluster.LocalImage;
import dev.kiln.sandbox.cluster.LocalImages;
import dev.kiln.sandbox.cluster.ProcessLedger;
import dev.kiln.sandbox.cluster.RuntimeChoice;
import dev.kiln.sandbox.cluster.ServiceProxy;
import dev.kiln.sandbox.cluster.SimulatedCluster;
import dev.kiln.sandbox.cluster.UserImageReader;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Kiln with no cluster: an in-process Kubernetes API (the fabric8 mock, with Kiln's CRDs and
 * discovery for kubectl), the real Kiln operator, and a simulated cluster that runs the reference
 * images, and the user's own images, as containers of podman or docker or as local processes
 * ({@link RuntimeChoice}). Everything lives under one folder (kubeconfig, operator log, pod logs,
 * volumes), emptied at start.
 */
public final class Sandbox implements AutoCloseable {
  public static final String NAMESPACE = "default";
  private static final String KUBECONFIG = "kubeconfig";

  private final Parts parts;

  /** What a started sandbox is made of; {@link #close()} stops them in reverse order. */
  private record Parts(
      Path dir,
      SandboxApiServer api,
      ContainerRuntime runtime,
      SimulatedCluster cluster,
      KubernetesClient operatorClient,
      KilnOperator operator) {}

  private Sandbox(Parts parts) {
    this.parts = parts;
  }

  /**
   * Starts the sandbox for the repository at {@code root} (its reference images must be built),
   * working in {@code dir}, with the API server on {@code apiPort} (0: any free port).
   */
  public static Sandbox start(Path root, Path dir, int apiPort) {
    return start(root, dir, apiPort, List.of(), notice -> {});
  }

  /**
   * As above, with the user's own images ({@link #userImage}), looked up before the reference
   * images, and pods as processes of this machine; {@code notices} hears, once per image, what this
   * machine lacks to run one of them (its Python, a package), naming what to install.
   */
  public static Sandbox start(
      Path root, Path dir, int apiPort, List<LocalImage> userImages, Consumer<String> notices) {
    return start(root, dir, apiPort, userImages, notices, RuntimeChoice.PROCESS);
  }

  /**
   * As above, with the pods' containers run as {@code runtime} chooses: in podman or docker (the
   * reference images and the user's are then built with the engine first), or as processes.
   *
   * @throws IllegalStateException when the engine asked for by name is missing or cannot build
   */
  public static Sandbox start(
      Path root,
      Path dir,
      int apiPort,
      List<LocalImage> userImages,
      Consumer<String> notices,
      RuntimeChoice runtimeChoice) {
    LocalImages images = LocalImages.fromRepository(root).withUserImages(userImages);
    List<String> missing = images.notBuilt();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "the reference images are not built: "
              + String.join(", ", missing)
              + "; build them first: ./mvnw -B -q install -DskipTests");
    }
    ProcessLedger.stopLeftovers(dir);
    Consumer<String> told = once(notices);
    // Before the folder is emptied: an engine's containers left there by a killed sandbox go first.
    ContainerRuntime runtime = ContainerRuntime.choose(runtimeChoice, root, dir, images, told);
    clear(dir);
    SandboxApiServer api = new SandboxApiServer(root, dir.resolve("pods"), apiPort);
    SimulatedCluster cluster = null;
    KubernetesClient operatorClient = null;
    try {
      api.createNamespace(NAMESPACE);
      api.writeKubeconfig(dir.resolve(KUBECONFIG), NAMESPACE);
      cluster =
          new SimulatedCluster(
              api.newClient(),
              runtime,
              images,
              dir,
              Clock.systemUTC(),
              new ProcessLedger(dir),
              told);
      operatorClient = api.newClient();
      KilnOperator operator =
          KilnOperator.start(operatorClient, operatorConfig(dir), Clock.systemUTC());
      return new Sandbox(new Parts(dir, api, runtime, cluster, operatorClient, operator));
    } catch (RuntimeException e) {
      if (cluster != null) {
        cluster.close();
      }
      if (operatorClient != null) {
        operatorClient.close();
      }
      runtime.close();
      api.close();
      throw e;
    }
  }

  /**
   * A user's image: {@code name} ({@code repository[:tag]}, matched from any registry) built from
   * the folder {@code context}, whose Dockerfile the sandbox reads (see {@link UserImageReader}).
   *
   * @throws IllegalArgumentException naming what is wrong with the folder or its Dockerfile
   */
  public static LocalImage userImage(String name, Path context) {
    return UserImageReader.read(name, context);
  }

  /** Each distinct notice once: a failing pod is retried and would say the same again. */
  private static Consumer<String> once(Consumer<String> notices) {
    Set<String> told = ConcurrentHashMap.newKeySet();
    return notice -> {
      if (told.add(notice)) {
        notices.accept(notice);
      }
    };
  }

  /**
   * The operator as the chart would configure it, but on free local ports, with the report URL on
   * loopback, a key of its own and progress written every second (so the short quickstart shows
   * it).
   */
  static OperatorConfig operatorConfig(Path dir) {
    int reportPort = freePort();
    Path key = dir.resolve("report-key");
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    try {
      Files.write(key, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> env = new HashMap<>();
    env.put("KILN_HTTP_PORT", Integer.toString(freePort()));
    env.put("KILN_REPORT_PORT", Integer.toString(reportPort));
    env.put("KILN_REPORT_URL", "http://127.0.0.1:" + reportPort);
    env.put("KILN_REPORT_KEY_FILE", key.toString());
    env.put("KILN_REPORT_INTERVAL_SECONDS", "1");
    env.put("KILN_RECONCILE_THREADS", "4");
    env.put("POD_NAMESPACE", "kiln-system");
    env.put("POD_NAME", "kiln-sandbox");
    return OperatorConfig.fromMap(env);
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void clear(Path dir) {
    try {
      if (Files.exists(dir)) {
        try (Stream<Path> files = Files.walk(dir)) {
          files
              .sorted(Comparator.reverseOrder())
              .filter(p -> !p.equals(dir))
              .forEach(p -> p.toFile().delete());
        }
      }
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the sandbox folder " + dir, e);
    }
  }

  /** An admin client of the sandbox's API server. */
  public KubernetesClient client() {
    return parts.api().client();
  }

  public String apiUrl() {
    return parts.api().url();
  }

  /** A kubeconfig for kubectl, with the sandbox's namespace as the current one. */
  public Path kubeconfig() {
    return parts.dir().resolve(KUBECONFIG);
  }

  public Path dir() {
    return parts.dir();
  }

  /** Where the volume of a claim lives on this machine. */
  public Path volume(String namespace, String claim) {
    return parts.dir().resolve("volumes").resolve(namespace).resolve(claim);
  }

  /** How the pods' containers run: in which engine, or as processes of this machine. */
  public ContainerRuntime runtime() {
    return parts.runtime();
  }

  /** kube-proxy and cluster DNS. */
  public ServiceProxy services() {
    return parts.cluster().services();
  }

  /** Stops the operator, then every pod and its containers, then the API server. */
  @Override
  public void close() {
    parts.operator().close();
    parts.operatorClient().close();
    parts.cluster().close();
    parts.runtime().close();
    parts.api().close();
  }
}
