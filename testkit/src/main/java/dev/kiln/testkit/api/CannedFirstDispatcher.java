package dev.kiln.testkit.api;

import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.internal.MockDispatcher;
import io.fabric8.mockwebserver.internal.SimpleRequest;
import java.util.Map;
import java.util.Queue;

/**
 * Canned answers first (the mock's {@code expect()}: the rules review), the CRUD store for
 * everything else. fabric8's KubernetesMixedDispatcher does the same but builds its own store, so
 * the indexed one could not be used with it.
 */
final class CannedFirstDispatcher extends Dispatcher {
  private final Map<ServerRequest, Queue<ServerResponse>> responses;
  private final MockDispatcher canned;
  private final Dispatcher store;

  CannedFirstDispatcher(Map<ServerRequest, Queue<ServerResponse>> responses, Dispatcher store) {
    this.responses = responses;
    this.canned = new MockDispatcher(responses);
    this.store = store;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    Queue<ServerResponse> answers =
        responses.get(new SimpleRequest(request.method(), request.getPath()));
    return answers != null && !answers.isEmpty()
        ? canned.dispatch(request)
        : store.dispatch(request);
  }

  @Override
  public void shutdown() {
    canned.shutdown();
    store.shutdown();
  }
}
