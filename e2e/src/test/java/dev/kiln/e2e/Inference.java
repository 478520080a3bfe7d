package dev.kiln.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** An Open Inference Protocol client for the scenarios: one Iris row in, class scores out. */
final class Inference {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Inference() {}

  /**
   * The class probabilities the model at {@code base} gives one flower. The reference model's
   * inputs are in alphabetical order of the feature names: petal length and width, then sepal
   * length and width (its metadata.json lists them).
   */
  static double[] classify(URI base, String model, double... petalAndSepal)
      throws IOException, InterruptedException {
    StringBuilder data = new StringBuilder();
    for (double v : petalAndSepal) {
      data.append(data.length() == 0 ? "" : ",").append(v);
    }
    String body =
        "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,"
            + petalAndSepal.length
            + "],\"datatype\":\"FP32\",\"data\":["
            + data
            + "]}]}";
    HttpResponse<String> answer =
        client()
            .send(
                HttpRequest.newBuilder(base.resolve("/v2/models/" + model + "/infer"))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 200) {
      throw new IOException("infer answered " + answer.statusCode() + ": " + answer.body());
    }
    JsonNode out = JSON.readTree(answer.body()).path("outputs").path(0).path("data");
    double[] scores = new double[out.size()];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = out.get(i).asDouble();
    }
    return scores;
  }

  /**
   * A client of its own for every call, so that no call reuses another's connection. The Service
   * proxy (like kube-proxy) pins a kept-alive connection to the pod that took it; once a roll-out
   * replaces that pod, a call sent on the old connection races its close and fails with no answer
   * at all, which is not what a client connecting to the rolled-out server sees.
   */
  private static HttpClient client() {
    return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  static int status(URI url) throws IOException, InterruptedException {
    return client()
        .send(
            HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
