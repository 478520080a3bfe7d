package dev.kiln.trainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * Posts live progress to {@code KILN_REPORT_URL}. Reporting is best effort: an unreachable endpoint
 * or an error answer is logged on stderr and training carries on.
 */
final class Reporter {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final URI url;
  private final String token;
  private final HttpClient client;
  private int failures;

  Reporter(String url, String token) {
    this.url = url == null ? null : URI.create(url);
    this.token = token;
    this.client =
        url == null ? null : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  }

  boolean enabled() {
    return url != null;
  }

  void report(int epoch, int totalEpochs, long step, long totalSteps, Map<String, Double> metrics) {
    if (url == null) {
      return;
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("epoch", epoch);
    body.put("totalEpochs", totalEpochs);
    body.put("step", step);
    body.put("totalSteps", totalSteps);
    ObjectNode m = body.putObject("metrics");
    metrics.forEach(m::put);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(url)
            .timeout(Duration.ofSeconds(3))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<Void> response =
          client.send(request.build(), HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() / 100 != 2) {
        warn("report for epoch " + epoch + " answered HTTP " + response.statusCode());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      warn("report for epoch " + epoch + " failed: " + e.getClass().getSimpleName());
    }
  }

  private void warn(String message) {
    // Say it a few times, then stay quiet: a long run should not drown its log.
    if (failures++ < 5) {
      TrainerLog.warn(message + " (training carries on)");
    }
  }
}
