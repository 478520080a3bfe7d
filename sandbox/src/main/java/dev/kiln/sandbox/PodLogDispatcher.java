package dev.kiln.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code kubectl logs}: the pods' subresource {@code log} answered from the log files the sandbox's
 * kubelet writes ({@code <pods>/<namespace>/<pod>/<container>.log}), with {@code container}
 * (default: the pod's first container) and {@code tailLines}. {@code --follow} returns what there
 * is so far.
 */
final class PodLogDispatcher extends ChainedDispatcher {
  private static final Pattern PATH =
      Pattern.compile("^/api/v1/namespaces/([^/]+)/pods/([^/?]+)/log(?:\\?(.*))?$");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path pods;

  PodLogDispatcher(Dispatcher next, Path pods) {
    super(next);
    this.pods = pods;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    Matcher m = PATH.matcher(request.getPath());
    if (request.method() != HttpMethod.GET || !m.matches()) {
      return pass(request);
    }
    Map<String, String> query = query(m.group(3));
    String ns = m.group(1);
    String pod = m.group(2);
    MockResponse object = LocalRequests.get(next(), "/api/v1/namespaces/" + ns + "/pods/" + pod);
    if (object.code() != 200) {
      return object; // the API server's 404 for a pod that does not exist
    }
    String container = query.get("container");
    try {
      if (container == null) {
        JsonNode spec =
            JSON.readTree(new String(object.getBody().getBytes(), StandardCharsets.UTF_8));
        container = spec.path("spec").path("containers").path(0).path("name").asText();
      }
      Path file = pods.resolve(ns).resolve(pod).resolve(container + ".log");
      List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
      if (query.containsKey("tailLines")) {
        int tail = Integer.parseInt(query.get("tailLines"));
        lines = lines.subList(Math.max(0, lines.size() - tail), lines.size());
      }
      return new MockResponse()
          .setResponseCode(200)
          .setHeader("Content-Type", "text/plain")
          .setBody(lines.isEmpty() ? "" : String.join("\n", lines) + "\n");
    } catch (IOException | NumberFormatException e) {
      return new MockResponse()
          .setResponseCode(400)
          .setHeader("Content-Type", "text/plain")
          .setBody("cannot read the log of " + pod + "/" + container + ": " + e.getMessage());
    }
  }

  private static Map<String, String> query(String query) {
    Map<String, String> out = new HashMap<>();
    if (query != null) {
      for (String pair : query.split("&", -1)) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          out.put(
              pair.substring(0, eq),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return out;
  }
}
