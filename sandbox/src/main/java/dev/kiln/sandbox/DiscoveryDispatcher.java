package dev.kiln.sandbox;

import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Map;

/**
 * Answers GETs of the discovery documents, whatever their query string ({@code kubectl} sends
 * {@code /api?timeout=32s}, which the mock's path expectations do not match), and hands every other
 * request to the CRUD dispatcher.
 */
final class DiscoveryDispatcher extends Dispatcher {
  private final Dispatcher crud;
  private volatile Map<String, String> documents = Map.of();

  DiscoveryDispatcher(Dispatcher crud) {
    this.crud = crud;
  }

  /** The JSON documents to serve, by path. */
  void serve(Map<String, String> documents) {
    this.documents = Map.copyOf(documents);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String path = request.getPath();
    int query = path.indexOf('?');
    String document = documents.get(query < 0 ? path : path.substring(0, query));
    if (document != null && "GET".equals(request.getMethod())) {
      return new MockResponse()
          .setResponseCode(200)
          .setHeader("Content-Type", "application/json")
          .setBody(document);
    }
    return crud.dispatch(request);
  }

  @Override
  public void shutdown() {
    crud.shutdown();
  }
}
