package dev.kiln.sandbox;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * A GET handed straight to the next dispatcher. A dispatcher runs on the mock's event loop, so it
 * must not call the server over HTTP (that would wait on itself).
 */
final class LocalRequests {
  private LocalRequests() {}

  static MockResponse get(Dispatcher next, String path) {
    int query = path.indexOf('?');
    return next.dispatch(
        new RecordedRequest(
            "HTTP/1.1",
            HttpMethod.GET,
            query < 0 ? path : path.substring(0, query),
            Headers.builder().build(),
            new Buffer()));
  }
}
