package dev.kiln.testkit.api;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every API request a client makes (verb and path), to count the operator's writes. */
public final class RequestLog implements Interceptor {
  /** One request: HTTP method and path, e.g. PATCH /apis/kiln.dev/v1alpha1/…/status. */
  public record Request(String method, String path) {
    public boolean isWrite() {
      return !method.equals("GET");
    }
  }

  private final List<Request> requests = new CopyOnWriteArrayList<>();

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    requests.add(new Request(request.method(), request.uri().getPath()));
  }

  public List<Request> writes() {
    return requests.stream().filter(Request::isWrite).toList();
  }

  public List<Request> all() {
    return List.copyOf(requests);
  }
}
