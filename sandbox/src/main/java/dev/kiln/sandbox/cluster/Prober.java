package dev.kiln.sandbox.cluster;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/**
 * One probe of one container, as the kubelet runs it: after {@code initialDelaySeconds}, every
 * period (at most one second in the sandbox, so a pod becomes ready as soon as it can), with the
 * probe's timeout and success/failure thresholds. HTTP GET and TCP probes are real requests to the
 * pod's address; exec and gRPC probes count as passing (the sandbox cannot run them).
 */
final class Prober {
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          // HTTP/1.1 as the kubelet: an h2c upgrade request gets a 400 from some servers (uvicorn).
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(1))
          .build();

  private final Probe probe;
  private final Container container;
  private final String podIp;
  private Instant next;
  private int successes;
  private int failures;
  private boolean passing;

  Prober(Probe probe, Container container, String podIp, Instant containerStart) {
    this.probe = probe;
    this.container = container;
    this.podIp = podIp;
    this.next = containerStart.plusSeconds(value(probe.getInitialDelaySeconds(), 0));
  }

  /** Runs the probe if it is due; returns whether it passes (after thresholds). */
  boolean check(Instant now) {
    if (now.isBefore(next)) {
      return passing;
    }
    int period = Math.min(value(probe.getPeriodSeconds(), 10), 1);
    next = now.plusSeconds(period);
    if (attempt()) {
      failures = 0;
      successes++;
      if (successes >= value(probe.getSuccessThreshold(), 1)) {
        passing = true;
      }
    } else {
      successes = 0;
      failures++;
      if (failures >= value(probe.getFailureThreshold(), 3)) {
        passing = false;
      }
    }
    return passing;
  }

  /** Whether the probe has failed {@code failureThreshold} times in a row. */
  boolean failedOut() {
    return failures >= value(probe.getFailureThreshold(), 3);
  }

  boolean passing() {
    return passing;
  }

  private boolean attempt() {
    int timeout = value(probe.getTimeoutSeconds(), 1);
    try {
      if (probe.getHttpGet() != null) {
        var get = probe.getHttpGet();
        String host = get.getHost() == null || get.getHost().isEmpty() ? podIp : get.getHost();
        String path = get.getPath() == null ? "/" : get.getPath();
        HttpResponse<Void> answer =
            HTTP.send(
                HttpRequest.newBuilder(
                        URI.create("http://" + host + ":" + port(get.getPort()) + path))
                    .timeout(Duration.ofSeconds(timeout))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        return answer.statusCode() >= 200 && answer.statusCode() < 400;
      }
      if (probe.getTcpSocket() != null) {
        try (Socket s = new Socket()) {
          s.connect(
              new InetSocketAddress(podIp, port(probe.getTcpSocket().getPort())), timeout * 1000);
          return true;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private int port(IntOrString port) throws IOException {
    if (port.getIntVal() != null) {
      return port.getIntVal();
    }
    if (container.getPorts() != null) {
      for (ContainerPort p : container.getPorts()) {
        if (port.getStrVal().equals(p.getName())) {
          return p.getContainerPort();
        }
      }
    }
    throw new IOException("no container port named " + port.getStrVal());
  }

  private static int value(Integer value, int defaultValue) {
    return value == null ? defaultValue : value;
  }
}
