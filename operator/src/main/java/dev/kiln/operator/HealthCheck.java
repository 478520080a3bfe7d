package dev.kiln.operator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The image's HEALTHCHECK: exits 0 when /healthz answers 200 (the JRE image has no curl). */
public final class HealthCheck {
  private HealthCheck() {}

  public static void main(String[] args) throws Exception {
    String port = System.getenv().getOrDefault("KILN_HTTP_PORT", "8080");
    HttpResponse<Void> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
    System.exit(response.statusCode() == 200 ? 0 : 1);
  }
}
