package dev.kiln.testkit.api;

import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * Puts faults between the operator and the mock API server: a share of the operator's writes
 * answered 500 or 409, an outage in which every request gets 503 (from now, or from right after a
 * given request), or its watches ended by the server. Requests are the operator's when they carry
 * {@link #OPERATOR_HEADER}; the test's own requests (playing the kubelet) pass.
 */
public final class FaultyDispatcher extends Dispatcher {
  public static final String OPERATOR_HEADER = "X-Kiln-Test-Operator";

  private final Dispatcher delegate;
  private final Random random = new Random(42);
  private volatile double writeFailureRate;
  private volatile boolean outage;
  private final AtomicReference<Predicate<RecordedRequest>> lastServed = new AtomicReference<>();

  /** The operator's watches (the mock serves them as websockets) while they are open. */
  private final Set<WebSocket> watches = ConcurrentHashMap.newKeySet();

  public FaultyDispatcher(Dispatcher delegate) {
    this.delegate = delegate;
  }

  public void failWrites(double rate) {
    this.writeFailureRate = rate;
  }

  public void outage(boolean down) {
    this.outage = down;
  }

  /**
   * An outage from right after the operator's next request that {@code matches}, which is still
   * served: as if the operator died the moment that request reached the API server, nothing it
   * sends afterwards lands. {@link #outage(boolean) outage(false)} ends it.
   */
  public void outageAfter(Predicate<RecordedRequest> matches) {
    lastServed.set(matches);
  }

  /**
   * Ends every open watch of the operator's from the server side, as an API server does when a
   * watch times out, the server restarts or a load balancer cuts an idle connection; the client has
   * to reconnect (the mock then replays every object it holds, not the missed events only). Returns
   * how many were open.
   */
  public int dropWatches() {
    List<WebSocket> open = List.copyOf(watches);
    for (WebSocket watch : open) {
      watches.remove(watch);
      watch.close(1000, "watch ended (injected)");
    }
    return open.size();
  }

  /** {@link #dropWatches()} every {@code period} until the returned handle is closed. */
  public WatchDrops dropWatchesEvery(Duration period) {
    return new WatchDrops(period);
  }

  /** Drops the operator's watches at a fixed rate; counts the rounds and the watches ended. */
  public final class WatchDrops implements AutoCloseable {
    private final ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "watch-drops");
              t.setDaemon(true);
              return t;
            });
    private final AtomicInteger rounds = new AtomicInteger();
    private final AtomicInteger dropped = new AtomicInteger();

    private WatchDrops(Duration period) {
      long millis = period.toMillis();
      var unused =
          timer.scheduleAtFixedRate(
              () -> {
                dropped.addAndGet(dropWatches());
                rounds.incrementAndGet();
              },
              millis,
              millis,
              TimeUnit.MILLISECONDS);
    }

    /** How many times the watches were dropped so far. */
    public int rounds() {
      return rounds.get();
    }

    /** How many watches were ended in all. */
    public int dropped() {
      return dropped.get();
    }

    @Override
    public void close() {
      timer.shutdownNow();
    }
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    MockResponse response = faultOrDelegate(request);
    boolean operator = request.getHeader(OPERATOR_HEADER) != null;
    WebSocketListener listener = response == null ? null : response.getWebSocketListener();
    if (listener != null && operator) {
      response.withWebSocketUpgrade(new Tracked(listener));
    }
    Predicate<RecordedRequest> last = lastServed.get();
    boolean served = response != null && response.code() / 100 == 2;
    if (operator && served && last != null && last.test(request)) {
      if (lastServed.compareAndSet(last, null)) {
        outage = true;
      }
    }
    return response;
  }

  private MockResponse faultOrDelegate(RecordedRequest request) {
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

  /** The mock's watch listener, with the websocket remembered while it is open. */
  private final class Tracked extends WebSocketListener {
    private final WebSocketListener watch;

    Tracked(WebSocketListener watch) {
      this.watch = watch;
    }

    @Override
    public void onBeforeAccept(WebSocket ws, Response response) {
      watch.onBeforeAccept(ws, response);
    }

    @Override
    public void onOpen(WebSocket ws, Response response) {
      watches.add(ws);
      watch.onOpen(ws, response);
    }

    @Override
    public void onMessage(WebSocket ws, String text) {
      watch.onMessage(ws, text);
    }

    @Override
    public void onMessage(WebSocket ws, byte[] bytes) {
      watch.onMessage(ws, bytes);
    }

    @Override
    public void onClosing(WebSocket ws, int code, String reason) {
      watches.remove(ws);
      watch.onClosing(ws, code, reason);
    }

    @Override
    public void onClosed(WebSocket ws, int code, String reason) {
      watches.remove(ws);
      watch.onClosed(ws, code, reason);
    }

    @Override
    public void onFailure(WebSocket ws, Throwable t, Response response) {
      watches.remove(ws);
      watch.onFailure(ws, t, response);
    }
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
