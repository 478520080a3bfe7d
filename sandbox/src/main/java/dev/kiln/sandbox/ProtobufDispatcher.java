package dev.kiln.sandbox;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;

/**
 * Request bodies in Kubernetes' protobuf encoding, which kubectl's typed clients send for built-in
 * kinds ({@code kubectl create namespace team-a}), become the JSON the store reads ({@link
 * KubeProtobuf}); a kind it cannot read is refused with 415 naming what to do instead. Answers are
 * JSON whatever the client prefers, as kubectl accepts.
 */
final class ProtobufDispatcher extends Dispatcher {
  private final Dispatcher next;

  ProtobufDispatcher(Dispatcher next) {
    this.next = next;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    if (!KubeProtobuf.isProtobuf(request.getHeader("Content-Type"))
        || request.getBody() == null
        || request.getBody().size() == 0) {
      return next.dispatch(request);
    }
    String json;
    try {
      json = KubeProtobuf.toJson(request.getBody().getBytes()).toString();
    } catch (IllegalArgumentException e) {
      return new MockResponse()
          .setResponseCode(415)
          .setHeader("Content-Type", "application/json")
          .setBody(
              Serialization.asJson(
                  new StatusBuilder()
                      .withStatus("Failure")
                      .withMessage(e.getMessage())
                      .withReason("UnsupportedMediaType")
                      .withCode(415)
                      .build()));
    }
    return next.dispatch(
        new RecordedRequest(
            request.getHttpVersion(),
            request.method(),
            request.getPath(),
            request.getHeaders().newBuilder().set("Content-Type", "application/json").build(),
            new Buffer(json.getBytes(StandardCharsets.UTF_8))));
  }

  @Override
  public void shutdown() {
    next.shutdown();
  }
}
