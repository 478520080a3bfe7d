package dev.kiln.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/**
 * The mock's watches are WebSocket listeners that send one {@code {"type", "object"}} event per
 * change; this rewrites what such a watch sends, whoever reads it (the operator's WebSocket or
 * kubectl's HTTP stream): each event goes through a function that may change it or drop it.
 */
final class WatchEvents {
  private static final ObjectMapper JSON = new ObjectMapper();

  private WatchEvents() {}

  /**
   * The same answer with its events passed through {@code transform} (null drops the event); any
   * other answer (an error) as it is.
   */
  static MockResponse transform(MockResponse answer, UnaryOperator<ObjectNode> transform) {
    WebSocketListener inner = answer.getWebSocketListener();
    if (inner == null) {
      return answer;
    }
    return answer.withWebSocketUpgrade(new Transforming(inner, transform));
  }

  /** Reads one event as the mock sends it, or null if it is not an event. */
  static ObjectNode read(String text) {
    try {
      JsonNode event = JSON.readTree(text);
      return event instanceof ObjectNode o && o.has("type") ? o : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static final class Transforming extends WebSocketListener {
    private final WebSocketListener inner;
    private final UnaryOperator<ObjectNode> transform;
    private WebSocket socket;
    private WebSocket wrapped;

    Transforming(WebSocketListener inner, UnaryOperator<ObjectNode> transform) {
      this.inner = inner;
      this.transform = transform;
    }

    private synchronized WebSocket wrap(WebSocket outer) {
      if (socket != outer) {
        socket = outer;
        wrapped = new TransformingSocket(outer, transform);
      }
      return wrapped;
    }

    @Override
    public void onBeforeAccept(WebSocket webSocket, Response response) {
      inner.onBeforeAccept(wrap(webSocket), response);
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      inner.onOpen(wrap(webSocket), response);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      inner.onMessage(wrap(webSocket), text);
    }

    @Override
    public void onMessage(WebSocket webSocket, byte[] bytes) {
      inner.onMessage(wrap(webSocket), bytes);
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      inner.onClosing(wrap(webSocket), code, reason);
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      inner.onClosed(wrap(webSocket), code, reason);
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable error, Response response) {
      inner.onFailure(wrap(webSocket), error, response);
    }
  }

  private record TransformingSocket(WebSocket outer, UnaryOperator<ObjectNode> transform)
      implements WebSocket {
    @Override
    public RecordedRequest request() {
      return outer.request();
    }

    @Override
    public boolean send(String text) {
      ObjectNode event = read(text);
      if (event == null) {
        return outer.send(text);
      }
      ObjectNode out = transform.apply(event);
      return out == null || outer.send(out.toString());
    }

    @Override
    public boolean send(byte[] bytes) {
      return send(new String(bytes, StandardCharsets.UTF_8));
    }

    @Override
    public boolean close(int code, String reason) {
      return outer.close(code, reason);
    }
  }
}
