package dev.kiln.testkit.workload;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plain JSON writes to an API server over HTTP/1.1, retried a few times: cheaper for the server's
 * machine than a Kubernetes client, which would parse every answer.
 */
final class JsonWrites {
  private static final Logger log = LoggerFactory.getLogger(JsonWrites.class);
  private static final int ATTEMPTS = 5;

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** Known once the server listens, which may be after its dispatcher is built. */
  private volatile URI apiServer;

  void connect(URI apiServer) {
    this.apiServer = apiServer;
  }

  /** One JSON patch that replaces /status whole (a merge patch would merge the lists). */
  void replaceStatus(String path, String statusJson) {
    send("PATCH", path, "[{\"op\":\"add\",\"path\":\"/status\",\"value\":" + statusJson + "}]");
  }

  /** Sends a write, retrying a few times: a lost step would leave its run unfinished. */
  void send(String method, String path, String body) {
    HttpRequest request =
        HttpRequest.newBuilder(apiServer.resolve(path))
            .header(
                "Content-Type",
                method.equals("PATCH") ? "application/json-patch+json" : "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .build();
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        int code = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (code / 100 == 2 || (method.equals("POST") && code == 409)) {
          return; // 409: an earlier attempt created it
        }
        log.warn("simulated Job controller: {} {} answered {}", method, path, code);
      } catch (IOException e) {
        log.warn("simulated Job controller: {} {} failed: {}", method, path, e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      pause(attempt);
    }
    log.error("simulated Job controller: gave up on {} {}", method, path);
  }

  private static void pause(int attempt) {
    try {
      Thread.sleep(200L * attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
