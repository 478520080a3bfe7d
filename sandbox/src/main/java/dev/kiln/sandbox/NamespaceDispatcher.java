package dev.kiln.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.StatusDetailsBuilder;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Namespaces as the API server and its namespace controller keep them, which the mock does not: a
 * new namespace is {@code Active}; nothing can be created in a namespace that does not exist
 * ({@code 404}); deleting one answers with it {@code Terminating}, refuses new objects in it
 * ({@code 403}, as the API server does), deletes every object in it (Kiln's resources first, then
 * the rest: the sandbox's kubelet stops the pods' processes and its garbage collector what they
 * owned) and removes the namespace once nothing is left. The namespaces the API server protects
 * ({@code default}, {@code kube-system}, {@code kube-public}) cannot be deleted.
 */
final class NamespaceDispatcher extends ChainedDispatcher {
  private static final Logger log = LoggerFactory.getLogger(NamespaceDispatcher.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> PROTECTED = Set.of("default", "kube-system", "kube-public");

  private final Set<String> terminating = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService controller =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "sandbox-namespace-controller");
            t.setDaemon(true);
            return t;
          });

  /** {@link #serve} the resources to empty a namespace of. */
  NamespaceDispatcher(Dispatcher next) {
    super(next);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    Optional<ApiPath> parsed = ApiPath.parse(request.getPath());
    if (parsed.isEmpty()) {
      return pass(request);
    }
    ApiPath path = parsed.get();
    boolean namespaces = path.group().isEmpty() && path.resource().equals("namespaces");
    if (request.method() == HttpMethod.POST && namespaces && path.isCollection()) {
      return pass(active(request));
    }
    if (request.method() == HttpMethod.POST && path.namespace() != null && path.isCollection()) {
      if (terminating.contains(path.namespace())) {
        return forbidden(
            path.resource(),
            "unable to create new content in namespace "
                + path.namespace()
                + " because it is being terminated");
      }
      if (LocalRequests.get(next(), "/api/v1/namespaces/" + path.namespace()).code() == 404) {
        return StatusResponses.failure(
            404,
            "NotFound",
            "namespaces \"" + path.namespace() + "\" not found",
            new StatusDetailsBuilder().withName(path.namespace()).withKind("namespaces").build());
      }
    }
    if (request.method() == HttpMethod.DELETE
        && namespaces
        && path.name() != null
        && path.subresource() == null) {
      return delete(path.name());
    }
    return pass(request);
  }

  /** A namespace's create with {@code status.phase: Active}, as the API server sets it. */
  private static RecordedRequest active(RecordedRequest request) {
    try {
      JsonNode body = JSON.readTree(request.getBody().getBytes());
      if (!(body instanceof ObjectNode ns)) {
        return request;
      }
      ns.withObjectProperty("status").put("phase", "Active");
      return new RecordedRequest(
          request.getHttpVersion(),
          request.method(),
          request.getPath(),
          request.getHeaders(),
          new Buffer(ns.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (IOException | RuntimeException e) {
      return request; // the store reports what is wrong with the body
    }
  }

  private MockResponse delete(String name) {
    if (PROTECTED.contains(name)) {
      return forbidden("namespaces", "namespace " + name + " may not be deleted");
    }
    String path = "/api/v1/namespaces/" + name;
    MockResponse current = LocalRequests.get(next(), path);
    if (current.code() != 200) {
      return current;
    }
    try {
      ObjectNode ns = (ObjectNode) JSON.readTree(current.getBody().getBytes());
      if (terminating.add(name)) {
        // No deletionTimestamp: the mock removes an object so marked that has no finalizers.
        ns.withObjectProperty("status").put("phase", "Terminating");
        MockResponse marked = send(HttpMethod.PUT, path, ns.toString());
        if (marked.code() >= 300) {
          terminating.remove(name);
          return marked;
        }
        var unused = controller.submit(() -> finish(name));
        return StatusResponses.json(
            200, new String(marked.getBody().getBytes(), StandardCharsets.UTF_8));
      }
      return current; // already being deleted
    } catch (IOException | RuntimeException e) {
      terminating.remove(name);
      return current;
    }
  }

  /** Deletes what is in the namespace, then the namespace once it is empty; tries again later. */
  private void finish(String name) {
    try {
      if (deleteContents(name) == 0) {
        send(HttpMethod.DELETE, "/api/v1/namespaces/" + name, null);
        terminating.remove(name);
        return;
      }
    } catch (RuntimeException e) {
      log.warn("emptying namespace {}: {}", name, e.toString());
    }
    var unused = controller.schedule(() -> finish(name), 500, TimeUnit.MILLISECONDS);
  }

  /** Asks for every object in the namespace to be deleted; returns how many there were. */
  private int deleteContents(String namespace) {
    ApiDiscovery apis = discovery();
    if (apis == null) {
      return 0;
    }
    List<String> collections = new ArrayList<>();
    // Kiln's resources first, so their controller stops before what it made goes.
    for (String gv : apis.allGroupVersions()) {
      for (APIResource r : apis.resources(gv).getResources()) {
        if (Boolean.TRUE.equals(r.getNamespaced()) && !r.getName().contains("/")) {
          String collection =
              ApiDiscovery.path(gv) + "/namespaces/" + namespace + "/" + r.getName();
          if (gv.startsWith("kiln.dev/")) {
            collections.add(0, collection);
          } else {
            collections.add(collection);
          }
        }
      }
    }
    int found = 0;
    for (String collection : collections) {
      MockResponse list = LocalRequests.get(next(), collection);
      if (list.code() != 200 || list.getBody() == null) {
        continue;
      }
      try {
        for (JsonNode item : JSON.readTree(list.getBody().getBytes()).path("items")) {
          found++;
          String itemName = item.path("metadata").path("name").asText();
          if (item.path("metadata").path("deletionTimestamp").isMissingNode()) {
            send(HttpMethod.DELETE, collection + "/" + itemName, null);
          }
        }
      } catch (IOException e) {
        log.warn("listing {}: {}", collection, e.toString());
      }
    }
    return found;
  }

  private MockResponse send(HttpMethod method, String path, String body) {
    Headers headers =
        body == null
            ? Headers.builder().build()
            : Headers.builder().add("Content-Type", "application/json").build();
    return pass(
        new RecordedRequest(
            "HTTP/1.1",
            method,
            path,
            headers,
            body == null ? new Buffer() : new Buffer(body.getBytes(StandardCharsets.UTF_8))));
  }

  private static MockResponse forbidden(String resource, String message) {
    return StatusResponses.failure(
        403,
        "Forbidden",
        resource + " is forbidden: " + message,
        new StatusDetailsBuilder().withKind(resource).build());
  }

  /** Stops emptying namespaces. */
  @Override
  public void shutdown() {
    controller.shutdownNow();
    super.shutdown();
  }
}
