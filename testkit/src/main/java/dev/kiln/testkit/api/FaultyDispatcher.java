package dev.kiln.testkit.api;

import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Random;

/**
 * Puts faults between the operator and the mock API server: a share of the operator's writes
 * answered 500 or 409, or an outage in which every request gets 503. Requests are the operator's
 * when they carry {@link #OPERATOR_HEADER}; the test's own requests (playing the kubelet) pass.
 */
public final class FaultyDispatcher extends Dispatcher {
  public static final String OPERATOR_HEADER = "X-Kiln-Test-Operator";

  private final Dispatcher delegate;
  private final Random random = new Random(42);
  private volatile double writeFailureRate;
  private volatile boolean outage;

  public FaultyDispatcher(Dispatcher delegate) {
    this.delegate = delegate;
  }

  public void failWrites(double rate) {
    this.writeFailureRate = rate;
  }

  public void outage(boolean down) {
    this.outage = down;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    boolean operator = request.getHeader(OPERATOR_HEADER) != null;
    if (outage && operator) {
      return status(503, "ServiceUnavailable", "the API server is down (injected)");
    }
    boolean write = !"GET".equals(request.getMethod());
    if (operator && write && writeFailureRate > 0) {
      double roll;
      synchronized (random) {
        roll = random.nextDouble();
      }
      // A create can only conflict when the object exists, so creates fail with 500 only;
      // updates and patches get optimistic-locking conflicts as well.
      boolean update = !"POST".equals(request.getMethod());
      if (roll < writeFailureRate && (!update || roll < writeFailureRate / 2)) {
        return status(500, "InternalError", "injected failure");
      }
      if (roll < writeFailureRate) {
        return status(409, "Conflict", "injected conflict");
      }
    }
    return delegate.dispatch(request);
  }

  @Override
  public void shutdown() {
    delegate.shutdown();
  }

  private static MockResponse status(int code, String reason, String message) {
    return new MockResponse()
        .setResponseCode(code)
        .setBody(
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":"
                + code
                + ",\"reason\":\""
                + reason
                + "\",\"message\":\""
                + message
                + "\"}");
  }
}
