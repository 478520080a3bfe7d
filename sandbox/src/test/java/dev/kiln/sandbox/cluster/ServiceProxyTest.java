package dev.kiln.sandbox.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** kube-proxy's listening side: every port of a Service, also after its ports change. */
class ServiceProxyTest {
  // No pods: these tests only connect, which the listening socket accepts by itself.
  private final ServiceProxy proxy = new ServiceProxy(new PodNetwork(), List::of);

  @AfterEach
  void close() {
    proxy.close();
  }

  private static ServicePort port(String name, int port) {
    return new ServicePortBuilder()
        .withName(name)
        .withPort(port)
        .withTargetPort(new IntOrString(name))
        .build();
  }

  private static Service service(ServicePort... ports) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName("iris")
        .withNamespace("team")
        .endMetadata()
        .withNewSpec()
        .withSelector(Map.of("app", "iris"))
        .withPorts(List.of(ports))
        .endSpec()
        .build();
  }

  private URI local(int port) {
    return proxy.resolve(URI.create("http://iris.team.svc.cluster.local:" + port)).orElseThrow();
  }

  private static boolean accepts(URI address) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address.getHost(), address.getPort()), 2000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void everyPortOfAServiceListensOnItsAddress() {
    proxy.onAdd(service(port("http", 8080), port("grpc", 8081)));
    assertThat(accepts(local(8080))).isTrue();
    assertThat(accepts(local(8081))).as("the grpc port").isTrue();
  }

  @Test
  void aPortAddedLaterListensToo() {
    Service before = service(port("http", 8080));
    proxy.onAdd(before);
    URI old = local(8080);

    proxy.onUpdate(before, service(port("http", 8080), port("grpc", 9001)));
    assertThat(accepts(local(8080))).isTrue();
    assertThat(accepts(local(9001))).as("the port added by the update").isTrue();
    assertThat(accepts(old)).as("the old address is closed").isFalse();
  }
}
