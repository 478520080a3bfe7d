package dev.kiln.sandbox.cluster;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * kube-proxy and cluster DNS for the sandbox: every Service with a selector gets an address from
 * 127.1.0.0/16 on which each of its ports listens; a connection goes to a ready pod the selector
 * matches (round robin), at the target port. A Service whose ports change gets a new address.
 * {@link #resolve} turns a cluster URL ({@code
 * http://<service>.<namespace>.svc.cluster.local:<port>}) into the address to call from this
 * machine.
 */
public final class ServiceProxy implements ResourceEventHandler<Service>, AutoCloseable {

  private final PodNetwork network;
  private final Supplier<List<Pod>> pods;
  private final Map<String, Proxied> services = new ConcurrentHashMap<>();
  private final Map<String, Map<String, String>> selectors = new ConcurrentHashMap<>();
  private final ExecutorService connections =
      Executors.newCachedThreadPool(DaemonThreads.named("sandbox-service-proxy"));
  private final AtomicInteger roundRobin = new AtomicInteger();

  private record Proxied(String address, List<ServicePort> ports, List<ServerSocket> listeners) {}

  ServiceProxy(PodNetwork network, SharedIndexInformer<Pod> pods) {
    this(network, () -> pods.getStore().list());
  }

  /** With the pods to route to from {@code pods} (tests give a fixed list). */
  ServiceProxy(PodNetwork network, Supplier<List<Pod>> pods) {
    this.network = network;
    this.pods = pods;
  }

  void watch(SharedIndexInformer<Service> informer) {
    informer.addEventHandler(this);
  }

  /** The local address of a cluster URL's Service, if the Service exists. */
  public Optional<URI> resolve(URI clusterUrl) {
    String[] host = clusterUrl.getHost().split("\\.", -1);
    if (host.length < 3 || !host[2].equals("svc")) {
      return Optional.empty();
    }
    Proxied p = services.get(host[1] + "/" + host[0]);
    if (p == null) {
      return Optional.empty();
    }
    return Optional.of(
        URI.create(
            clusterUrl.getScheme()
                + "://"
                + p.address()
                + ":"
                + clusterUrl.getPort()
                + (clusterUrl.getRawPath() == null ? "" : clusterUrl.getRawPath())));
  }

  /** The kube-proxy address of a Service, if it has one (a headless Service has none). */
  Optional<String> address(String namespace, String name) {
    return Optional.ofNullable(services.get(namespace + "/" + name)).map(Proxied::address);
  }

  @Override
  public void onAdd(Service svc) {
    if (svc.getSpec().getSelector() == null
        || svc.getSpec().getPorts() == null
        || "None".equals(svc.getSpec().getClusterIP())) {
      return; // a headless Service (Kiln's workers Service) has no proxy
    }
    selectors.put(ControlLoop.key(svc), svc.getSpec().getSelector());
    Proxied current = services.get(ControlLoop.key(svc));
    if (current != null && !current.ports().equals(svc.getSpec().getPorts())) {
      // The ports changed (a ModelServer's grpcPort, say): listen anew, on a new address.
      services.remove(ControlLoop.key(svc));
      current.listeners().forEach(ServiceProxy::closeQuietly);
    }
    services.computeIfAbsent(
        ControlLoop.key(svc),
        key -> {
          List<ServicePort> ports = svc.getSpec().getPorts();
          PodNetwork.Listening listening =
              network.listenForService(ports.stream().map(ServicePort::getPort).toList());
          for (int i = 0; i < ports.size(); i++) {
            ServerSocket socket = listening.sockets().get(i);
            ServicePort port = ports.get(i);
            connections.execute(() -> accept(key, socket, port));
          }
          return new Proxied(listening.address(), List.copyOf(ports), listening.sockets());
        });
  }

  @Override
  public void onUpdate(Service old, Service svc) {
    onAdd(svc);
  }

  @Override
  public void onDelete(Service svc, boolean unknown) {
    selectors.remove(ControlLoop.key(svc));
    Proxied p = services.remove(ControlLoop.key(svc));
    if (p != null) {
      p.listeners().forEach(ServiceProxy::closeQuietly);
    }
  }

  private void accept(String key, ServerSocket socket, ServicePort port) {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        connections.execute(() -> forward(key, client, port));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void forward(String key, Socket client, ServicePort port) {
    Optional<InetSocketAddress> endpoint = endpoint(key, port);
    if (endpoint.isEmpty()) {
      closeQuietly(client); // no ready endpoint: refused, as with kube-proxy
      return;
    }
    try {
      Socket backend = new Socket();
      backend.connect(endpoint.get(), 2000);
      connections.execute(() -> pipe(client, backend));
      pipe(backend, client);
    } catch (IOException e) {
      closeQuietly(client);
    }
  }

  private Optional<InetSocketAddress> endpoint(String key, ServicePort port) {
    String ns = key.substring(0, key.indexOf('/'));
    List<InetSocketAddress> ready = new ArrayList<>();
    Map<String, String> selector = selectors.get(key);
    for (Pod p : pods.get()) {
      if (ns.equals(p.getMetadata().getNamespace())
          && selector != null
          && matches(selector, p.getMetadata().getLabels())
          && Owners.ready(p)
          && p.getStatus().getPodIP() != null) {
        targetPort(p, port.getTargetPort(), port.getPort())
            .ifPresent(t -> ready.add(new InetSocketAddress(p.getStatus().getPodIP(), t)));
      }
    }
    if (ready.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(ready.get(Math.floorMod(roundRobin.getAndIncrement(), ready.size())));
  }

  private static boolean matches(Map<String, String> selector, Map<String, String> labels) {
    return labels != null && labels.entrySet().containsAll(selector.entrySet());
  }

  private static Optional<Integer> targetPort(Pod pod, IntOrString target, int port) {
    if (target == null) {
      return Optional.of(port);
    }
    if (target.getIntVal() != null) {
      return Optional.of(target.getIntVal());
    }
    for (var c : pod.getSpec().getContainers()) {
      for (ContainerPort p : c.getPorts() == null ? List.<ContainerPort>of() : c.getPorts()) {
        if (target.getStrVal().equals(p.getName())) {
          return Optional.of(p.getContainerPort());
        }
      }
    }
    return Optional.empty();
  }

  private static void pipe(Socket from, Socket to) {
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      in.transferTo(out);
    } catch (IOException e) {
      // the other side closed
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    services.values().forEach(p -> p.listeners().forEach(ServiceProxy::closeQuietly));
    services.clear();
    connections.shutdownNow();
  }
}
