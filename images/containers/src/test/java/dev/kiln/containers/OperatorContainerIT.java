package dev.kiln.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The operator image against fabric8's mock API server (CRUD mode, Kiln's CRDs applied) on the
 * host's loopback: it becomes ready, passes its own HEALTHCHECK, and reconciles a TrainingJob into
 * a Job.
 */
class OperatorContainerIT {
  static {
    // The mock logs every request at INFO through java.util.logging.
    java.util.logging.Logger.getLogger("io.fabric8.mockwebserver")
        .setLevel(java.util.logging.Level.WARNING);
  }

  @Test
  void becomesReadyAgainstTheApiServerAndCreatesTheJobOfATrainingJob() throws Exception {
    ContainerEngine engine = Images.engine();
    String image = Images.image("operator");
    KubernetesMockServer api =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesMixedDispatcher(new HashMap<>()),
            false);
    api.init(InetAddress.getLoopbackAddress(), 0);
    try (KubernetesClient client = api.createClient()) {
      for (String crd : List.of("trainingjobs.kiln.dev", "modelservers.kiln.dev")) {
        try (InputStream in =
            getClass().getResourceAsStream("/META-INF/fabric8/" + crd + "-v1.yml")) {
          client.apiextensions().v1().customResourceDefinitions().load(in).create();
        }
      }
      int http = Images.freePort();
      int report = Images.freePort();
      List<String> args = new ArrayList<>(List.of("--network", "host"));
      args.addAll(TrainerPod.restricted("65532:65532"));
      if (engine.name().equals("podman")) {
        args.addAll(List.of("--health-interval", "disable")); // run on demand; no systemd here
      }
      args.addAll(
          List.of(
              "-e",
              "KUBERNETES_MASTER=http://127.0.0.1:" + api.getPort(),
              "-e",
              "KUBERNETES_AUTH_TRYKUBECONFIG=false",
              "-e",
              "KUBERNETES_AUTH_TRYSERVICEACCOUNT=false",
              "-e",
              "KUBERNETES_NAMESPACE=default",
              "-e",
              "KILN_HTTP_PORT=" + http,
              "-e",
              "KILN_REPORT_PORT=" + report,
              image));
      try (Container operator = Container.start(engine, "kiln-operator", args)) {
        HttpClient httpClient =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI readyz = URI.create("http://127.0.0.1:" + http + "/readyz");
        await("operator ready")
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofMillis(500))
            .ignoreExceptions()
            .until(
                () ->
                    httpClient
                            .send(
                                HttpRequest.newBuilder(readyz).build(),
                                HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                        == 200);

        ContainerEngine.Result health = operator.healthcheck(Images.healthcheck(image));
        assertThat(health.exitCode())
            .as(health.stdout() + health.stderr() + operator.logs())
            .isZero();

        try (InputStream in =
            Files.newInputStream(Images.ROOT.resolve("examples/trainingjob-basic.yaml"))) {
          client.load(in).inNamespace("default").create();
        }
        await("the Job of trainingjob/iris-basic")
            .atMost(Duration.ofMinutes(1))
            .until(
                () ->
                    !client.batch().v1().jobs().inNamespace("default").list().getItems().isEmpty());
        assertThat(operator.logs()).doesNotContain("ERROR");
      }
    } finally {
      api.destroy();
    }
  }
}
