package dev.kiln.sandbox.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Addresses without a network namespace: every pod gets its own loopback address (127.0.x.y from
 * 127.0.0.2 on; Linux routes all of 127.0.0.0/8 to the loopback device), so two replicas of a
 * server can both listen on port 8080. Services get addresses from 127.1.0.0/16 (see {@link
 * ServiceProxy}). An address whose ports something else on this machine already listens on (another
 * sandbox, or what a killed one left behind) is skipped, so traffic never reaches a stranger.
 *
 * <p>A pod with a host name and a subdomain (an Indexed Job's pod under its headless Service) has a
 * DNS name, {@code <hostname>.<subdomain>.<namespace>.svc}; its address is bound to that name the
 * first time either the pod starts or another pod's environment names it, so worker 1 can be told
 * worker 0's address before worker 0 exists, and a retried pod keeps its name's address.
 */
final class PodNetwork {
  private static final int ATTEMPTS = 100;

  private final AtomicInteger nextPod = new AtomicInteger(2);
  private final AtomicInteger nextService = new AtomicInteger(1);
  private final Map<String, String> named = new ConcurrentHashMap<>();

  /** A pod address on which every one of {@code ports} is free. */
  String allocate(Collection<Integer> ports) {
    for (int i = 0; i < ATTEMPTS; i++) {
      String address = address(127, 0, nextPod.getAndIncrement());
      List<ServerSocket> probe = listen(address, ports);
      if (probe != null) {
        probe.forEach(PodNetwork::close);
        return address;
      }
    }
    throw new IllegalStateException("no free loopback address for ports " + ports);
  }

  /**
   * The address of the DNS name {@code <hostname>.<subdomain>.<namespace>}, the same on every call:
   * one where {@code ports} are free if there is one, else any.
   */
  String named(String namespace, String hostname, String subdomain, Collection<Integer> ports) {
    return named.computeIfAbsent(
        hostname + "." + subdomain + "." + namespace,
        name -> {
          try {
            return allocate(ports);
          } catch (IllegalStateException e) {
            return allocate(List.of()); // the port is taken everywhere: the process will say so
          }
        });
  }

  /** A Service address with every one of {@code ports} listening; the caller owns the sockets. */
  Listening listenForService(Collection<Integer> ports) {
    for (int i = 0; i < ATTEMPTS; i++) {
      String address = address(127, 1, nextService.getAndIncrement());
      List<ServerSocket> sockets = listen(address, ports);
      if (sockets != null) {
        return new Listening(address, sockets);
      }
    }
    throw new IllegalStateException("no free loopback address for ports " + ports);
  }

  record Listening(String address, List<ServerSocket> sockets) {}

  /** Sockets bound to every port at the address, or null (and none left open) if one is taken. */
  private static List<ServerSocket> listen(String address, Collection<Integer> ports) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      InetAddress host = InetAddress.getByName(address);
      for (int port : ports) {
        ServerSocket socket = new ServerSocket();
        sockets.add(socket);
        socket.bind(new InetSocketAddress(host, port));
      }
      return sockets;
    } catch (java.net.BindException e) {
      sockets.forEach(PodNetwork::close);
      return null;
    } catch (IOException e) {
      sockets.forEach(PodNetwork::close);
      throw new UncheckedIOException("cannot listen on " + address, e);
    }
  }

  private static void close(ServerSocket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  private static String address(int a, int b, int n) {
    // Skip .0 and .255 in the last octet.
    int hosts = 254;
    int c = (n - 1) / hosts;
    int d = (n - 1) % hosts + 1;
    if (c > 255) {
      throw new IllegalStateException("the sandbox ran out of loopback addresses");
    }
    return a + "." + b + "." + c + "." + d;
  }
}
