package dev.kiln.sandbox;

import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * One link of the sandbox API server's chain (see {@link SandboxApiServer}): answers what the mock
 * cannot and passes the rest to the next dispatcher. Those that need to know the resources (which
 * are namespaced, each one's kind) are {@linkplain #serve served} them once the CRDs are in.
 */
abstract class ChainedDispatcher extends Dispatcher {
  private final Dispatcher next;
  private volatile ApiDiscovery discovery;

  ChainedDispatcher(Dispatcher next) {
    this.next = next;
  }

  /** The resources the API server serves. */
  void serve(ApiDiscovery discovery) {
    this.discovery = discovery;
  }

  /** The resources, or null before {@link #serve}. */
  final ApiDiscovery discovery() {
    return discovery;
  }

  /** The next dispatcher, for requests of its own ({@link LocalRequests}). */
  final Dispatcher next() {
    return next;
  }

  /** The next dispatcher's answer. */
  final MockResponse pass(RecordedRequest request) {
    return next.dispatch(request);
  }

  @Override
  public void shutdown() {
    next.shutdown();
  }
}
