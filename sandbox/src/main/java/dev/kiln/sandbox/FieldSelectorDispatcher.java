package dev.kiln.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Field selectors on lists and watches ({@code kubectl get events --field-selector
 * involvedObject.name=x}, the Events {@code kubectl describe} shows, {@code kubectl wait}'s {@code
 * metadata.name}), applied as the API server applies them ({@link FieldSelector}). The mock reads a
 * field selector as a match on its own index, which knows only metadata.name and
 * metadata.namespace, so every other field matched nothing: the selector is taken off the request
 * and applied to what the store answers. A field the kind lacks is refused with 400, as the API
 * server does. A workaround (docs/design.md#workarounds).
 */
final class FieldSelectorDispatcher extends ChainedDispatcher {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** {@link #serve} the resources, to know which are namespaced. */
  FieldSelectorDispatcher(Dispatcher next) {
    super(next);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    Optional<ApiPath> parsed = ApiPath.parse(request.getPath());
    if (request.method() != HttpMethod.GET
        || parsed.isEmpty()
        || !parsed.get().isCollection()
        || !parsed.get().query().containsKey("fieldSelector")) {
      return pass(request);
    }
    ApiPath path = parsed.get();
    FieldSelector selector;
    try {
      selector = FieldSelector.parse(path.query().get("fieldSelector"));
    } catch (IllegalArgumentException e) {
      return badRequest("invalid field selector: " + e.getMessage());
    }
    ApiDiscovery apis = discovery();
    boolean namespaced =
        apis == null
            || apis.resource(path.groupVersion(), path.resource())
                .map(r -> Boolean.TRUE.equals(r.getNamespaced()))
                .orElse(true);
    Optional<String> refused = selector.unsupported(path.key(), namespaced);
    if (refused.isPresent()) {
      return badRequest(refused.get());
    }
    MockResponse answer =
        pass(
            new RecordedRequest(
                request.getHttpVersion(),
                request.method(),
                ApiPath.without(request.getPath(), "fieldSelector"),
                request.getHeaders(),
                request.getBody()));
    if (path.isWatch()) {
      return WatchEvents.transform(
          answer, event -> selector.matches(path.key(), event.path("object")) ? event : null);
    }
    if (answer.code() != 200 || answer.getBody() == null) {
      return answer;
    }
    try {
      JsonNode list =
          JSON.readTree(new String(answer.getBody().getBytes(), StandardCharsets.UTF_8));
      if (!(list instanceof ObjectNode o) || !o.has("items")) {
        return answer;
      }
      ArrayNode kept = JSON.createArrayNode();
      for (JsonNode item : o.path("items")) {
        if (selector.matches(path.key(), item)) {
          kept.add(item);
        }
      }
      o.set("items", kept);
      return StatusResponses.json(200, o.toString());
    } catch (IOException e) {
      return answer;
    }
  }

  private static MockResponse badRequest(String message) {
    return StatusResponses.failure(400, "BadRequest", message);
  }
}
