package dev.kiln.e2e.bench;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.operator.KilnOperator;
import dev.kiln.operator.OperatorConfig;
import dev.kiln.testkit.api.MockApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Map;

/** The operators the benchmark compares (Kiln's and a do-nothing one) and their clients. */
final class BenchOperators {
  private BenchOperators() {}

  /** Kiln as the chart configures it, but on free local ports with no report key. */
  static AutoCloseable kiln(KubernetesClient client) {
    return KilnOperator.start(client, config(), Clock.systemUTC());
  }

  private static OperatorConfig config() {
    return OperatorConfig.fromMap(
        Map.of(
            "KILN_HTTP_PORT",
            freePort(),
            "KILN_REPORT_PORT",
            freePort(),
            "KILN_REPORT_KEY_FILE",
            "/nonexistent/kiln-key",
            "KILN_RECONCILE_THREADS",
            "4"));
  }

  private static String freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return Integer.toString(s.getLocalPort());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static KubernetesClient client(String url, Interceptor... interceptors) {
    return new KubernetesClientBuilder()
        .withConfig(MockApiServer.clientConfig(url))
        .withHttpClientBuilderConsumer(
            b -> {
              for (Interceptor i : interceptors) {
                b.addOrReplaceInterceptor(i.getClass().getSimpleName(), i);
              }
            })
        .build();
  }

  /** A reconciler that does nothing: the cost of JOSDK's informers and the harness alone. */
  @ControllerConfiguration(name = "noop")
  static final class NoOp implements Reconciler<TrainingJob> {
    @Override
    public UpdateControl<TrainingJob> reconcile(TrainingJob tj, Context<TrainingJob> context) {
      return UpdateControl.noUpdate();
    }
  }

  static AutoCloseable noOpOperator(KubernetesClient client) {
    Operator operator =
        new Operator(
            o ->
                o.withKubernetesClient(client)
                    .withCloseClientOnStop(false)
                    .withSSABasedCreateUpdateMatchForDependentResources(false)
                    .withUseSSAToPatchPrimaryResource(false));
    operator.register(new NoOp());
    operator.start();
    return operator::stop;
  }

  /** Start → /readyz answers 200, for a fresh operator with the N runs already present. */
  static double readyKiln(String url) throws Exception {
    long start = System.nanoTime();
    try (KubernetesClient client = client(url);
        KilnOperator op = KilnOperator.start(client, config(), Clock.systemUTC())) {
      HttpClient http = HttpClient.newHttpClient();
      URI ready = URI.create("http://127.0.0.1:" + op.httpPort() + "/readyz");
      while (http.send(
                  HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding())
              .statusCode()
          != 200) {
        Thread.sleep(10);
      }
      return (System.nanoTime() - start) / 1e9;
    }
  }

  static double readyNoOp(String url) throws Exception {
    try (KubernetesClient client = client(url)) {
      long start = System.nanoTime();
      AutoCloseable op = noOpOperator(client);
      double s = (System.nanoTime() - start) / 1e9; // start() returns once informers synced
      op.close();
      return s;
    }
  }
}
