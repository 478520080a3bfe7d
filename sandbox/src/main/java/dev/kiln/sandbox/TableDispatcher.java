package dev.kiln.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Server-side printing, which kubectl asks for ({@code Accept: …;as=Table;…}) and the mock cannot
 * do: Kiln's resources get their CRD's printer columns, the built-in kinds a user looks at
 * Kubernetes' own columns ({@link Tables}). So {@code kubectl get tj,ms,pods,jobs,events} (and
 * {@code -o wide}) shows in the sandbox what it shows on a cluster. Lists and single objects are
 * answered here; watches are streamed by {@link ApiListener}, which asks {@link #table} for each
 * event's row. A kind without a printer gets the mock's answer (kubectl then prints NAME and AGE).
 */
final class TableDispatcher extends ChainedDispatcher {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Clock clock;
  private final Map<String, Tables.Printer> custom = new ConcurrentHashMap<>();

  TableDispatcher(Dispatcher next, Clock clock) {
    super(next);
    this.clock = clock;
  }

  /** Registers a CRD's printer columns. */
  void add(CustomResourceDefinition crd) {
    for (var version : crd.getSpec().getVersions()) {
      if (version.getAdditionalPrinterColumns() != null) {
        custom.put(
            crd.getSpec().getGroup()
                + "/"
                + version.getName()
                + "/"
                + crd.getSpec().getNames().getPlural(),
            Tables.custom(List.copyOf(version.getAdditionalPrinterColumns())));
      }
    }
  }

  /** Whether an {@code Accept} header asks for a Table. */
  static boolean wantsTable(String accept) {
    return accept != null && accept.contains("as=Table");
  }

  /**
   * A Table of these objects of a resource ({@code <group>/<version>/<resource>}), if printable.
   */
  Optional<ObjectNode> table(String resourceKey, List<JsonNode> items, String resourceVersion) {
    return printer(resourceKey).map(p -> Tables.table(p, items, resourceVersion, clock.instant()));
  }

  private Optional<Tables.Printer> printer(String resourceKey) {
    Tables.Printer own = custom.get(resourceKey);
    return own != null ? Optional.of(own) : Tables.builtIn(resourceKey);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    Optional<ApiPath> path = ApiPath.parse(request.getPath());
    if (request.method() != HttpMethod.GET
        || !wantsTable(request.getHeader("Accept"))
        || path.isEmpty()
        || path.get().isWatch()
        || path.get().subresource() != null
        || printer(path.get().key()).isEmpty()) {
      return pass(request);
    }
    MockResponse answer = pass(request);
    if (answer.code() != 200 || answer.getBody() == null) {
      return answer;
    }
    try {
      JsonNode body =
          JSON.readTree(new String(answer.getBody().getBytes(), StandardCharsets.UTF_8));
      List<JsonNode> items = new ArrayList<>();
      if (body.has("items")) {
        body.path("items").forEach(items::add);
      } else {
        items.add(body);
      }
      String rv = body.path("metadata").path("resourceVersion").asText("");
      return table(path.get().key(), items, rv)
          .map(t -> StatusResponses.json(200, t.toString()))
          .orElse(answer);
    } catch (IOException e) {
      return answer;
    }
  }
}
