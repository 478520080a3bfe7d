package dev.kiln.modelserver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.ByteBuffer;

/**
 * JSON answers and the wrapper every endpoint runs in: an {@link ApiException} becomes its status
 * with {@code {"error": message}}, anything else a 500.
 */
final class Exchanges {
  static final ObjectMapper JSON = new ObjectMapper();

  /** An endpoint; it may throw, and the wrapper answers for it. */
  interface Endpoint {
    void handle(HttpServerExchange ex) throws Exception;
  }

  private Exchanges() {}

  static HttpHandler route(RequestMetrics.Route route, Endpoint endpoint) {
    return ex -> {
      route.mark(ex);
      guarded(ex, endpoint);
    };
  }

  /** Runs the endpoint; its failure becomes the answer. */
  static void guarded(HttpServerExchange ex, Endpoint endpoint) {
    try {
      endpoint.handle(ex);
    } catch (ApiException e) {
      error(ex, e.status, e.getMessage());
    } catch (Exception e) {
      ServerLog.error(ex.getRequestPath() + " failed: " + e);
      error(ex, 500, "inference failed: " + e.getMessage());
    }
  }

  static void error(HttpServerExchange ex, int status, String message) {
    json(ex, status, JSON.createObjectNode().put("error", message));
  }

  static void json(HttpServerExchange ex, int status, JsonNode body) {
    try {
      send(ex, status, "application/json", JSON.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static void send(HttpServerExchange ex, int status, String contentType, byte[] body) {
    ex.setStatusCode(status);
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
    ex.getResponseSender().send(ByteBuffer.wrap(body));
  }
}
