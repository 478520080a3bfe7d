package dev.kiln.sandbox;

import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;

/**
 * Request bodies the store cannot read. Kubernetes' protobuf encoding, which kubectl's typed
 * clients send for built-in kinds ({@code kubectl create namespace team-a}), becomes the JSON the
 * store reads ({@link KubeProtobuf}); a kind it cannot read is refused with 415 naming what to do
 * instead. A strategic merge patch ({@code kubectl apply} of a changed built-in object), which the
 * mock cannot apply, is refused with 415 saying so (the mock's own answer reads "The Unknown "" is
 * invalid"). Answers are JSON whatever the client prefers, as kubectl accepts.
 */
final class RequestBodyDispatcher extends ChainedDispatcher {
  private static final String STRATEGIC_MERGE = "application/strategic-merge-patch+json";

  RequestBodyDispatcher(Dispatcher next) {
    super(next);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String contentType = request.getHeader("Content-Type");
    if (contentType != null && contentType.startsWith(STRATEGIC_MERGE)) {
      return unsupported(
          "the sandbox cannot apply strategic merge patches (kubectl apply of a changed built-in"
              + " object): use kubectl patch --type=merge, or delete the object and apply it again");
    }
    if (!KubeProtobuf.isProtobuf(contentType)
        || request.getBody() == null
        || request.getBody().size() == 0) {
      return pass(request);
    }
    String json;
    try {
      json = KubeProtobuf.toJson(request.getBody().getBytes()).toString();
    } catch (IllegalArgumentException e) {
      return unsupported(e.getMessage());
    }
    return pass(
        new RecordedRequest(
            request.getHttpVersion(),
            request.method(),
            request.getPath(),
            request.getHeaders().newBuilder().set("Content-Type", "application/json").build(),
            new Buffer(json.getBytes(StandardCharsets.UTF_8))));
  }

  private static MockResponse unsupported(String message) {
    return StatusResponses.failure(415, "UnsupportedMediaType", message);
  }
}
