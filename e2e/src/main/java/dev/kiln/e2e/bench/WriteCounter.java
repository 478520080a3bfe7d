package dev.kiln.e2e.bench;

import dev.kiln.testkit.api.ApiCallCounter;
import dev.kiln.testkit.api.RequestLog;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts a client's API writes by RBAC verb and resource ("create batch/jobs"), as {@link
 * ApiCallCounter} names them. Unlike {@link RequestLog} it keeps counts, not every request, so it
 * adds nothing to the operator's heap at 10,000 runs.
 */
final class WriteCounter implements Interceptor {
  private final Map<String, Long> counts = new ConcurrentHashMap<>();

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    RequestLog.Request r = new RequestLog.Request(request.method(), request.uri().getPath());
    if (r.isWrite()) {
      ApiCallCounter.count(List.of(r)).forEach((call, n) -> counts.merge(call, n, Long::sum));
    }
  }

  Map<String, Long> counts() {
    return new TreeMap<>(counts);
  }
}
