package dev.kiln.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Server-side printing, which kubectl asks for ({@code Accept: …;as=Table;…}) and the mock cannot
 * do: a Kiln resource's rows use its CRD's {@code additionalPrinterColumns}, in the CRD's order,
 * after the name, as the API server does; pods get NAME, READY, STATUS, RESTARTS, AGE. So {@code
 * kubectl get tj,ms,pods} (and {@code -o wide}) shows in the sandbox what it shows on a cluster.
 * Dates become ages ({@code 42s}, {@code 3m10s}); a missing value is an empty cell.
 */
final class TableDispatcher extends Dispatcher {
  private static final Pattern CUSTOM =
      Pattern.compile(
          "^/apis/([^/]+)/([^/]+)/(?:namespaces/[^/]+/)?([^/?]+)(?:/[^/?]+)?(?:\\?(.*))?$");
  private static final Pattern PODS =
      Pattern.compile("^/api/v1/(?:namespaces/[^/]+/)?pods(?:/[^/?]+)?(?:\\?(.*))?$");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Dispatcher next;
  private final Clock clock;
  private final Map<String, List<CustomResourceColumnDefinition>> columns = new LinkedHashMap<>();

  TableDispatcher(Dispatcher next, Clock clock) {
    this.next = next;
    this.clock = clock;
  }

  /** Registers a CRD's printer columns ("group/version/plural" → columns). */
  void add(CustomResourceDefinition crd) {
    for (var version : crd.getSpec().getVersions()) {
      if (version.getAdditionalPrinterColumns() != null) {
        columns.put(
            crd.getSpec().getGroup()
                + "/"
                + version.getName()
                + "/"
                + crd.getSpec().getNames().getPlural(),
            List.copyOf(version.getAdditionalPrinterColumns()));
      }
    }
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String accept = request.getHeader("Accept");
    if (!"GET".equals(request.getMethod()) || accept == null || !accept.contains("as=Table")) {
      return next.dispatch(request);
    }
    String path = request.getPath();
    Matcher custom = CUSTOM.matcher(path);
    List<CustomResourceColumnDefinition> defs = null;
    String query;
    if (custom.matches()) {
      defs = columns.get(custom.group(1) + "/" + custom.group(2) + "/" + custom.group(3));
      query = custom.group(4);
    } else {
      Matcher pods = PODS.matcher(path);
      if (!pods.matches()) {
        return next.dispatch(request);
      }
      query = pods.group(1);
    }
    if ((defs == null && custom.matches()) || (query != null && query.contains("watch=true"))) {
      return next.dispatch(request);
    }
    MockResponse answer = next.dispatch(request);
    if (answer.code() != 200) {
      return answer;
    }
    try {
      JsonNode body =
          JSON.readTree(new String(answer.getBody().getBytes(), StandardCharsets.UTF_8));
      return new MockResponse()
          .setResponseCode(200)
          .setHeader("Content-Type", "application/json")
          .setBody(JSON.writeValueAsString(defs == null ? podTable(body) : table(defs, body)));
    } catch (IOException e) {
      return answer;
    }
  }

  private ObjectNode table(List<CustomResourceColumnDefinition> defs, JsonNode body) {
    ObjectNode table = header(body);
    ArrayNode columnDefs = table.putArray("columnDefinitions");
    column(columnDefs, "Name", "string", "name", 0);
    defs.forEach(d -> column(columnDefs, d.getName(), d.getType(), "", priority(d)));
    ArrayNode rows = table.putArray("rows");
    for (JsonNode item : items(body)) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      cells.add(item.path("metadata").path("name").asText());
      for (CustomResourceColumnDefinition d : defs) {
        JsonNode value = at(item, d.getJsonPath());
        if (value.isMissingNode() || value.isNull()) {
          cells.add("");
        } else if ("date".equals(d.getType())) {
          cells.add(age(value.asText()));
        } else {
          cells.add(value);
        }
      }
      row.set("object", partial(item));
    }
    return table;
  }

  private ObjectNode podTable(JsonNode body) {
    ObjectNode table = header(body);
    ArrayNode columnDefs = table.putArray("columnDefinitions");
    column(columnDefs, "Name", "string", "name", 0);
    column(columnDefs, "Ready", "string", "", 0);
    column(columnDefs, "Status", "string", "", 0);
    column(columnDefs, "Restarts", "integer", "", 0);
    column(columnDefs, "Age", "string", "", 0);
    column(columnDefs, "IP", "string", "", 1);
    ArrayNode rows = table.putArray("rows");
    for (JsonNode pod : items(body)) {
      JsonNode status = pod.path("status");
      int ready = 0;
      int restarts = 0;
      String reason = status.path("phase").asText("Pending");
      for (JsonNode cs : status.path("containerStatuses")) {
        ready += cs.path("ready").asBoolean() ? 1 : 0;
        restarts += cs.path("restartCount").asInt();
        String waiting = cs.path("state").path("waiting").path("reason").asText("");
        String terminated = cs.path("state").path("terminated").path("reason").asText("");
        if (!waiting.isEmpty() && !waiting.equals("PodInitializing")) {
          reason = waiting;
        } else if (!terminated.isEmpty()) {
          reason = terminated;
        }
      }
      for (JsonNode cs : status.path("initContainerStatuses")) {
        String waiting = cs.path("state").path("waiting").path("reason").asText("");
        if (!waiting.isEmpty() && !waiting.equals("PodInitializing")) {
          reason = "Init:" + waiting;
        }
      }
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      cells.add(pod.path("metadata").path("name").asText());
      cells.add(ready + "/" + pod.path("spec").path("containers").size());
      cells.add(reason);
      cells.add(restarts);
      cells.add(age(pod.path("metadata").path("creationTimestamp").asText("")));
      cells.add(status.path("podIP").asText(""));
      row.set("object", partial(pod));
    }
    return table;
  }

  private static ObjectNode header(JsonNode body) {
    ObjectNode table = JSON.createObjectNode();
    table.put("kind", "Table");
    table.put("apiVersion", "meta.k8s.io/v1");
    table
        .putObject("metadata")
        .put("resourceVersion", body.path("metadata").path("resourceVersion").asText(""));
    return table;
  }

  private static void column(
      ArrayNode defs, String name, String type, String format, int priority) {
    defs.addObject()
        .put("name", name)
        .put("type", type)
        .put("format", format)
        .put("description", "")
        .put("priority", priority);
  }

  private static List<JsonNode> items(JsonNode body) {
    List<JsonNode> items = new ArrayList<>();
    if (body.has("items")) {
      body.path("items").forEach(items::add);
    } else {
      items.add(body);
    }
    return items;
  }

  private static ObjectNode partial(JsonNode item) {
    ObjectNode object = JSON.createObjectNode();
    object.put("kind", "PartialObjectMetadata");
    object.put("apiVersion", "meta.k8s.io/v1");
    object.set("metadata", item.path("metadata"));
    return object;
  }

  /** A simple JSONPath of the form {@code .a.b.c}, as every Kiln printer column uses. */
  static JsonNode at(JsonNode item, String jsonPath) {
    JsonNode node = item;
    for (String part : jsonPath.replaceFirst("^\\.", "").split("\\.", -1)) {
      node = node.path(part);
    }
    return node;
  }

  /** kubectl's short ages: 42s, 3m10s, 25m, 2h5m, 3d. */
  String age(String timestamp) {
    Instant t;
    try {
      t = Instant.parse(timestamp);
    } catch (RuntimeException e) {
      return "";
    }
    Duration d = Duration.between(t, clock.instant());
    long s = Math.max(0, d.toSeconds());
    if (s < 120) {
      return s + "s";
    }
    long m = s / 60;
    if (m < 10) {
      return m + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
    }
    if (m < 180) {
      return m + "m";
    }
    long h = m / 60;
    return h < 48 ? h + "h" + (m % 60 == 0 ? "" : m % 60 + "m") : h / 24 + "d";
  }

  private static int priority(CustomResourceColumnDefinition d) {
    return d.getPriority() == null ? 0 : d.getPriority();
  }

  @Override
  public void shutdown() {
    next.shutdown();
  }
}
