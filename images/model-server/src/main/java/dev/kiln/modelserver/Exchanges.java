package dev.kiln.modelserver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;

/**
 * JSON answers and the route wrapper every endpoint runs in: an {@link ApiException} becomes its
 * status with {@code {"error": message}}, anything else a 500.
 */
final class Exchanges {
  static final ObjectMapper JSON = new ObjectMapper();

  /** An endpoint; it may throw, and the route wrapper answers for it. */
  interface Endpoint {
    void handle(HttpServerExchange ex) throws Exception;
  }

  private Exchanges() {}

  static HttpHandler route(String template, Endpoint endpoint) {
    return ex -> {
      RequestMetrics.route(ex, template);
      try {
        endpoint.handle(ex);
      } catch (ApiException e) {
        error(ex, e.status, e.getMessage());
      } catch (Exception e) {
        ServerLog.error(template + " failed: " + e);
        error(ex, 500, "inference failed: " + e.getMessage());
      }
    };
  }

  static void error(HttpServerExchange ex, int status, String message) {
    json(ex, status, JSON.createObjectNode().put("error", message));
  }

  static void json(HttpServerExchange ex, int status, JsonNode body) {
    ex.setStatusCode(status);
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    try {
      ex.getResponseSender().send(JSON.writeValueAsString(body), StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
