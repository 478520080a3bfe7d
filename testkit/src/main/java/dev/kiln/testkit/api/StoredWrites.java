package dev.kiln.testkit.api;

import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.List;

/**
 * Tells listeners about every write the API server's store accepted, with the object as stored, on
 * the server's thread right after the store answered. Listeners must not block.
 */
public final class StoredWrites extends Dispatcher {
  /** Hears of one accepted write: POST, PUT or PATCH, the request path, the stored object. */
  public interface Listener {
    void stored(String method, String path, byte[] object);
  }

  private final Dispatcher store;
  private final List<Listener> listeners;

  public StoredWrites(Dispatcher store, List<Listener> listeners) {
    this.store = store;
    this.listeners = List.copyOf(listeners);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    MockResponse response = store.dispatch(request);
    String method = request.getMethod();
    boolean write = method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    if (write && response != null && response.code() / 100 == 2) {
      byte[] object = response.getBody().getBytes();
      for (Listener listener : listeners) {
        listener.stored(method, request.getPath(), object);
      }
    }
    return response;
  }

  @Override
  public void shutdown() {
    store.shutdown();
  }
}
