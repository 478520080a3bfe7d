package dev.kiln.testkit.api;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Counts recorded requests by RBAC verb and resource ("create batch/jobs"). */
public final class ApiCallCounter {
  private ApiCallCounter() {}

  public static Map<String, Long> count(List<RequestLog.Request> requests) {
    Map<String, Long> counts = new TreeMap<>();
    for (RequestLog.Request r : requests) {
      String call = ApiCalls.toRbac(r.method(), URI.create("http://x" + r.path()));
      if (call != null) {
        counts.merge(call, 1L, Long::sum);
      }
    }
    return counts;
  }
}
