package dev.kiln.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.sandbox.Sandbox;
import dev.kiln.sandbox.cluster.LocalImage;
import dev.kiln.sandbox.cluster.RuntimeChoice;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.LocalPortForward;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where the end-to-end scenarios run, driven through the Kubernetes API only: the local sandbox
 * (default), or a real cluster with Kiln installed when {@code -Dkiln.e2e.kubeconfig=<file>} (or
 * {@code KILN_E2E_KUBECONFIG}) is given; there no simulated cluster is started. Each scenario gets
 * a namespace of its own.
 */
final class E2eCluster implements AutoCloseable {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  /** Generous on a loaded 2-core machine; a real cluster may also have to pull images. */
  static final Duration PATIENCE = Duration.ofMinutes(3);

  private final Sandbox sandbox;
  private final KubernetesClient client;
  private final List<String> namespaces = new ArrayList<>();
  private final List<LocalPortForward> forwards = new ArrayList<>();

  private E2eCluster(Sandbox sandbox, KubernetesClient client) {
    this.sandbox = sandbox;
    this.client = client;
  }

  static E2eCluster start(Class<?> suite) {
    return start(suite, Map.of());
  }

  /**
   * As {@link #start(Class)}, with the user's images the sandbox runs: image reference to build
   * context, relative to the repository (as the sandbox's {@code --image NAME=DIR}). On a real
   * cluster the images must have been built and pushed under those names.
   */
  static E2eCluster start(Class<?> suite, Map<String, String> images) {
    return start(suite, images, RuntimeChoice.PROCESS);
  }

  /**
   * As {@link #start(Class, Map)}, with the sandbox's pods run as {@code runtime} says: containers
   * of an engine ({@link ContainerMode}) or processes of this machine.
   */
  static E2eCluster start(Class<?> suite, Map<String, String> images, RuntimeChoice runtime) {
    Optional<String> kubeconfig = realClusterKubeconfig();
    if (kubeconfig.isPresent()) {
      try {
        String yaml = Files.readString(Path.of(kubeconfig.get()));
        return new E2eCluster(
            null, new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(yaml)).build());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read kiln.e2e.kubeconfig " + kubeconfig.get(), e);
      }
    }
    List<LocalImage> userImages = new ArrayList<>();
    images.forEach((name, dir) -> userImages.add(Sandbox.userImage(name, ROOT.resolve(dir))));
    Sandbox sandbox =
        Sandbox.start(
            ROOT,
            ROOT.resolve("e2e/target/e2e-sandbox/" + suite.getSimpleName()),
            0,
            userImages,
            notice -> System.out.println("sandbox: " + notice),
            runtime);
    return new E2eCluster(sandbox, sandbox.client());
  }

  /**
   * As {@link #start(Class, Map)} for a suite that only the sandbox can run (its test images are
   * not published, say): against a real cluster the suite is skipped, saying {@code why}.
   */
  static E2eCluster startSandboxOnly(Class<?> suite, Map<String, String> images, String why) {
    assumeTrue(realClusterKubeconfig().isEmpty(), why);
    return start(suite, images);
  }

  /** The kubeconfig of a real cluster to run against, if one is given. */
  private static Optional<String> realClusterKubeconfig() {
    return Optional.ofNullable(System.getProperty("kiln.e2e.kubeconfig"))
        .or(() -> Optional.ofNullable(System.getenv("KILN_E2E_KUBECONFIG")))
        .filter(s -> !s.isBlank());
  }

  boolean isSandbox() {
    return sandbox != null;
  }

  Sandbox sandbox() {
    return sandbox;
  }

  KubernetesClient client() {
    return client;
  }

  /** A new namespace for one scenario (deleted with this cluster on a real cluster). */
  String namespace(String scenario) {
    String base = "e2e-" + scenario.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    base = base.substring(0, Math.min(40, base.length())).replaceAll("-+$", "");
    String name = base + "-" + Long.toString(System.nanoTime() % 1_000_000, 36);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    namespaces.add(name);
    return name;
  }

  /** Creates every object of a YAML text (or file) in the namespace. */
  List<HasMetadata> apply(String namespace, String yaml) {
    return apply(namespace, new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
  }

  List<HasMetadata> applyFile(String namespace, Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return apply(namespace, in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<HasMetadata> apply(String namespace, InputStream in) {
    List<HasMetadata> created = new ArrayList<>();
    for (HasMetadata item : client.load(in).items()) {
      item.getMetadata().setNamespace(namespace);
      created.add(client.resource(item).create());
    }
    return created;
  }

  TrainingJob trainingJob(String namespace, String name) {
    return client.resources(TrainingJob.class).inNamespace(namespace).withName(name).get();
  }

  ModelServer modelServer(String namespace, String name) {
    return client.resources(ModelServer.class).inNamespace(namespace).withName(name).get();
  }

  /** Waits until the TrainingJob's status satisfies the assertions. */
  TrainingJob awaitTrainingJob(String namespace, String name, Asserting<TrainingJob> check) {
    return awaitUntil(() -> trainingJob(namespace, name), check);
  }

  ModelServer awaitModelServer(String namespace, String name, Asserting<ModelServer> check) {
    return awaitUntil(() -> modelServer(namespace, name), check);
  }

  private static <T> T awaitUntil(java.util.function.Supplier<T> read, Asserting<T> check) {
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .untilAsserted(() -> check.verify(read.get()));
    return read.get();
  }

  /** The Events recorded about an object, oldest first. */
  List<Event> events(String namespace, String kind, String name) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> e.getInvolvedObject() != null)
        .filter(e -> kind.equals(e.getInvolvedObject().getKind()))
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  List<Pod> pods(String namespace, String label, String value) {
    return client.pods().inNamespace(namespace).withLabel(label, value).list().getItems();
  }

  /** The pods a Job started for one completion index (retries included). */
  List<Pod> jobPods(String namespace, String job, int completionIndex) {
    return pods(namespace, "job-name", job).stream()
        .filter(
            p ->
                String.valueOf(completionIndex)
                    .equals(
                        p.getMetadata()
                            .getAnnotations()
                            .get("batch.kubernetes.io/job-completion-index")))
        .toList();
  }

  /** What a container of the pod printed, as {@code kubectl logs -c <container>} shows it. */
  String log(String namespace, Pod pod, String container) {
    return client
        .pods()
        .inNamespace(namespace)
        .withName(pod.getMetadata().getName())
        .inContainer(container)
        .getLog();
  }

  /**
   * A base URL on this machine for a Service's cluster URL: the sandbox's kube-proxy address, or a
   * port-forward on a real cluster.
   */
  URI reach(URI clusterUrl) {
    if (sandbox != null) {
      return sandbox
          .services()
          .resolve(clusterUrl)
          .orElseThrow(() -> new IllegalStateException("no Service for " + clusterUrl));
    }
    String[] host = clusterUrl.getHost().split("\\.", -1);
    LocalPortForward forward =
        client.services().inNamespace(host[1]).withName(host[0]).portForward(clusterUrl.getPort());
    forwards.add(forward);
    return URI.create("http://127.0.0.1:" + forward.getLocalPort());
  }

  @Override
  public void close() {
    for (LocalPortForward f : forwards) {
      try {
        f.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    if (sandbox != null) {
      sandbox.close();
      return;
    }
    namespaces.forEach(ns -> client.namespaces().withName(ns).delete());
    client.close();
  }

  /** An assertion on a resource that may not be there yet (Awaitility retries it). */
  @FunctionalInterface
  interface Asserting<T> {
    void verify(T resource) throws Exception;
  }
}
