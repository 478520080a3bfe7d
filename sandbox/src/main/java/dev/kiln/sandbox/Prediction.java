package dev.kiln.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.StorageUri;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One inference request to a Ready ModelServer, through its Service, in the Open Inference
 * Protocol: the input's name and width come from the server's model metadata, the feature names and
 * labels from the {@code metadata.json} the reference trainer writes beside the model (or the
 * input's {@code features} in the model metadata, which a custom server may list). For the Iris
 * model the row is a flower whose species is known (setosa), so the answer can be checked. A server
 * that answers with labels (a BYTES output) is shown its labels; one that answers with numbers, its
 * scores.
 */
final class Prediction {
  /** Fisher's first flower, an Iris setosa. */
  static final Map<String, Double> IRIS_SETOSA =
      Map.of("sepal_length", 5.1, "sepal_width", 3.5, "petal_length", 1.4, "petal_width", 0.2);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** What was sent and what came back, ready to print. */
  record Result(
      URI endpoint, String input, List<Map.Entry<String, Double>> scores, List<String> labels) {
    String describe() {
      StringBuilder s = new StringBuilder(input).append("  ->  ");
      if (scores.isEmpty()) {
        return s.append(String.join(", ", labels)).toString();
      }
      for (int i = 0; i < scores.size(); i++) {
        var e = scores.get(i);
        s.append(i == 0 ? "" : ", ")
            .append(e.getKey())
            .append(String.format(Locale.ROOT, " %.3f", e.getValue()));
      }
      return s.toString();
    }
  }

  private Prediction() {}

  static Result ask(Sandbox sandbox, ModelServer ms) throws IOException, InterruptedException {
    String name = ms.getMetadata().getName();
    URI base =
        sandbox
            .services()
            .resolve(URI.create(ms.getStatus().getUrl()))
            .orElseThrow(() -> new IOException("no Service for " + ms.getStatus().getUrl()));
    JsonNode input = get(base.resolve("/v2/models/" + name)).path("inputs").path(0);
    Optional<JsonNode> meta = metadata(sandbox, ms);
    List<String> features = new ArrayList<>();
    meta.orElse(input).path("features").forEach(f -> features.add(f.asText()));
    int width =
        features.isEmpty() ? Math.max(1, input.path("shape").path(1).asInt(1)) : features.size();
    boolean iris = features.size() == 4 && IRIS_SETOSA.keySet().containsAll(features);
    List<Double> row = new ArrayList<>();
    StringBuilder described = new StringBuilder();
    for (int i = 0; i < width; i++) {
      String feature = features.isEmpty() ? "x" + i : features.get(i);
      double value = iris ? IRIS_SETOSA.get(feature) : 0.0;
      row.add(value);
      described.append(i == 0 ? "" : " ").append(feature).append('=').append(value);
    }
    URI infer = base.resolve("/v2/models/" + name + "/infer");
    JsonNode out = infer(infer, input, row).path("outputs").path(0).path("data");
    List<String> labels = new ArrayList<>();
    if (out.size() > 0 && out.get(0).isTextual()) {
      out.forEach(label -> labels.add(label.asText()));
      return new Result(infer, described.toString(), List.of(), labels);
    }
    meta.ifPresent(m -> m.path("labels").forEach(l -> labels.add(l.asText())));
    List<Map.Entry<String, Double>> scores = new ArrayList<>();
    for (int i = 0; i < out.size(); i++) {
      scores.add(
          Map.entry(
              i < labels.size() ? labels.get(i) : "output[" + i + "]", out.get(i).asDouble()));
    }
    scores.sort(Comparator.comparing((Map.Entry<String, Double> e) -> e.getValue()).reversed());
    return new Result(infer, described.toString(), scores, List.of());
  }

  /** POSTs one row as the model's input; the answer's JSON. */
  private static JsonNode infer(URI infer, JsonNode input, List<Double> row)
      throws IOException, InterruptedException {
    ObjectNode request = JSON.createObjectNode();
    ObjectNode tensor = request.putArray("inputs").addObject();
    tensor.put("name", input.path("name").asText("input"));
    tensor.putArray("shape").add(1).add(row.size());
    tensor.put("datatype", input.path("datatype").asText("FP32"));
    ArrayNode data = tensor.putArray("data");
    row.forEach(data::add);
    HttpResponse<String> answer =
        HTTP.send(
            HttpRequest.newBuilder(infer)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 200) {
      throw new IOException(
          "POST " + infer + " answered " + answer.statusCode() + ": " + answer.body());
    }
    return JSON.readTree(answer.body());
  }

  /** The trainer's metadata.json next to the served model, when the model is on a local claim. */
  private static Optional<JsonNode> metadata(Sandbox sandbox, ModelServer ms) throws IOException {
    StorageUri uri =
        StorageUri.parse(
            ms.getStatus().getModel() == null ? null : ms.getStatus().getModel().getUri());
    if (!uri.isPvc()) {
      return Optional.empty();
    }
    Path path =
        sandbox.volume(ms.getMetadata().getNamespace(), uri.authority()).resolve(uri.trimmedPath());
    Path file = (Files.isDirectory(path) ? path : path.getParent()).resolve("metadata.json");
    return Files.exists(file) ? Optional.of(JSON.readTree(file.toFile())) : Optional.empty();
  }

  private static JsonNode get(URI uri) throws IOException, InterruptedException {
    HttpResponse<String> answer =
        HTTP.send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 200) {
      throw new IOException(
          "GET " + uri + " answered " + answer.statusCode() + ": " + answer.body());
    }
    return JSON.readTree(answer.body());
  }
}
