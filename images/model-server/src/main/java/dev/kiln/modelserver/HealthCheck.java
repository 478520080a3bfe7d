package dev.kiln.modelserver;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Exit 0 when the local server answers ready, else 1: for the image's HEALTHCHECK, which has no
 * curl. Kubernetes probes {@code /v2/health/live} and {@code /v2/health/ready} itself.
 */
public final class HealthCheck {
  private HealthCheck() {}

  public static void main(String[] args) {
    String port =
        System.getenv().getOrDefault("KILN_PORT", System.getenv().getOrDefault("PORT", "8080"));
    try {
      HttpResponse<Void> response =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(2))
              .build()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + port + "/v2/health/ready"))
                      .timeout(Duration.ofSeconds(2))
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
      System.exit(response.statusCode() == 200 ? 0 : 1);
    } catch (Exception e) {
      System.exit(1);
    }
  }
}
