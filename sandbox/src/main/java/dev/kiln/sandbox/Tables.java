package dev.kiln.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * Server-side printing as the API server does it for {@code kubectl get}: the columns and cells of
 * Kubernetes' own printers for the built-in kinds a user looks at in the sandbox (pods, Events,
 * Jobs, claims, Deployments, Services, HPAs, namespaces, Secrets, ConfigMaps), and a CRD's {@code
 * additionalPrinterColumns} after the name for custom resources. Every cell is computed, including
 * those of the {@code -o wide} columns (priority 1), which kubectl hides unless asked. Pure: the
 * time is an argument.
 */
final class Tables {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A column as {@code meta.k8s.io/v1} Table describes it. */
  record Column(String name, String type, String format, String description, int priority) {
    static Column of(String name, String type, String description) {
      return new Column(name, type, "", description, 0);
    }

    static Column wide(String name, String type, String description) {
      return new Column(name, type, "", description, 1);
    }

    static Column nameColumn() {
      return new Column("Name", "string", "name", "Name must be unique within a namespace.", 0);
    }

    static Column ageColumn() {
      return of("Age", "string", "CreationTimestamp of the object.");
    }
  }

  /** The columns of a resource and how one object becomes a row's cells. */
  record Printer(List<Column> columns, BiFunction<JsonNode, Instant, List<Object>> cells) {}

  private Tables() {}

  /** A CRD's printer: the name, then its {@code additionalPrinterColumns} in declared order. */
  static Printer custom(List<CustomResourceColumnDefinition> defs) {
    List<Column> columns = new ArrayList<>();
    columns.add(Column.nameColumn());
    for (CustomResourceColumnDefinition d : defs) {
      columns.add(
          new Column(
              d.getName(),
              d.getType(),
              d.getFormat() == null ? "" : d.getFormat(),
              d.getDescription() == null ? "" : d.getDescription(),
              d.getPriority() == null ? 0 : d.getPriority()));
    }
    return new Printer(
        columns,
        (o, now) -> {
          List<Object> cells = new ArrayList<>();
          cells.add(text(o, "metadata", "name"));
          for (CustomResourceColumnDefinition d : defs) {
            JsonNode value = at(o, d.getJsonPath());
            if (value.isMissingNode() || value.isNull()) {
              cells.add(null);
            } else if ("date".equals(d.getType())) {
              cells.add(since(value.asText(), now));
            } else {
              cells.add(value);
            }
          }
          return cells;
        });
  }

  /** The printer of a built-in resource ({@code <group>/<version>/<resource>}), if it has one. */
  static Optional<Printer> builtIn(String resourceKey) {
    return Optional.ofNullable(BUILT_IN.get(resourceKey));
  }

  /**
   * A {@code meta.k8s.io/v1} Table of these objects (sorted by namespace and name, as the API
   * server lists them), each row with the object's metadata ({@code includeObject=Metadata}).
   */
  static ObjectNode table(
      Printer printer, List<JsonNode> items, String resourceVersion, Instant now) {
    ObjectNode table = JSON.createObjectNode();
    table.put("kind", "Table");
    table.put("apiVersion", "meta.k8s.io/v1");
    table.putObject("metadata").put("resourceVersion", resourceVersion);
    ArrayNode defs = table.putArray("columnDefinitions");
    for (Column c : printer.columns()) {
      defs.addObject()
          .put("name", c.name())
          .put("type", c.type())
          .put("format", c.format())
          .put("description", c.description())
          .put("priority", c.priority());
    }
    ArrayNode rows = table.putArray("rows");
    List<JsonNode> sorted = new ArrayList<>(items);
    sorted.sort(
        Comparator.comparing((JsonNode o) -> text(o, "metadata", "namespace"))
            .thenComparing(o -> text(o, "metadata", "name")));
    for (JsonNode item : sorted) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      for (Object cell : printer.cells().apply(item, now)) {
        if (cell == null) {
          cells.addNull();
        } else if (cell instanceof JsonNode node) {
          cells.add(node);
        } else if (cell instanceof Long n) {
          cells.add(n);
        } else if (cell instanceof Integer n) {
          cells.add(n);
        } else {
          cells.add(cell.toString());
        }
      }
      ObjectNode object = row.putObject("object");
      object.put("kind", "PartialObjectMetadata");
      object.put("apiVersion", "meta.k8s.io/v1");
      object.set("metadata", item.path("metadata").deepCopy());
    }
    return table;
  }

  /**
   * How long ago a timestamp was, as kubectl prints ages ({@code duration.HumanDuration}); {@code
   * <unknown>} for a missing or unreadable one.
   */
  static String since(String timestamp, Instant now) {
    try {
      return human(Duration.between(Instant.parse(timestamp), now));
    } catch (RuntimeException e) {
      return "<unknown>";
    }
  }

  /** Kubernetes' {@code duration.HumanDuration}: 42s, 3m10s, 25m, 2h5m, 10h, 3d4h, 20d, 2y30d. */
  static String human(Duration d) {
    long seconds = d.toSeconds();
    if (seconds < -1) {
      return "<invalid>";
    } else if (seconds < 0) {
      return "0s";
    } else if (seconds < 60 * 2) {
      return seconds + "s";
    }
    long minutes = d.toMinutes();
    if (minutes < 10) {
      long s = seconds % 60;
      return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
    } else if (minutes < 60 * 3) {
      return minutes + "m";
    }
    long hours = d.toHours();
    if (hours < 8) {
      long m = minutes % 60;
      return m == 0 ? hours + "h" : hours + "h" + m + "m";
    } else if (hours < 48) {
      return hours + "h";
    } else if (hours < 24 * 8) {
      long h = hours % 24;
      return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
    } else if (hours < 24 * 365 * 2) {
      return hours / 24 + "d";
    } else if (hours < 24 * 365 * 8) {
      long dy = hours / 24 % 365;
      return dy == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + dy + "d";
    }
    return hours / 24 / 365 + "y";
  }

  /** A simple JSONPath of the form {@code .a.b.c}, as every Kiln printer column uses. */
  static JsonNode at(JsonNode item, String jsonPath) {
    JsonNode node = item;
    for (String part : jsonPath.replaceFirst("^\\.", "").split("\\.", -1)) {
      node = node.path(part);
    }
    return node;
  }

  // The built-in printers, after Kubernetes' pkg/printers/internalversion (v1.32).

  private static final Map<String, Printer> BUILT_IN =
      Map.of(
          "/v1/pods", pods(),
          "/v1/events", events(),
          "batch/v1/jobs", jobs(),
          "/v1/persistentvolumeclaims", claims(),
          "apps/v1/deployments", deployments(),
          "/v1/services", services(),
          "autoscaling/v2/horizontalpodautoscalers", autoscalers(),
          "/v1/namespaces", namespaces(),
          "/v1/secrets", secrets(),
          "/v1/configmaps", configMaps());

  private static Printer pods() {
    return new Printer(
        List.of(
            Column.nameColumn(),
            Column.of("Ready", "string", "The aggregate readiness state of this pod."),
            Column.of("Status", "string", "The aggregate status of the containers in this pod."),
            Column.of("Restarts", "string", "The number of times the containers were restarted."),
            Column.ageColumn(),
            Column.wide("IP", "string", "IP address allocated to the pod."),
            Column.wide("Node", "string", "The node the pod runs on."),
            Column.wide("Nominated Node", "string", "The node the scheduler nominated."),
            Column.wide("Readiness Gates", "string", "The pod's readiness gates.")),
        Tables::podCells);
  }

  private static List<Object> podCells(JsonNode pod, Instant now) {
    JsonNode status = pod.path("status");
    String reason = text(pod, "status", "phase");
    if (!text(pod, "status", "reason").isEmpty()) {
      reason = text(pod, "status", "reason");
    }
    int restarts = 0;
    Instant lastRestart = null;
    boolean initializing = false;
    JsonNode inits = status.path("initContainerStatuses");
    int initCount = pod.path("spec").path("initContainers").size();
    for (int i = 0; i < inits.size(); i++) {
      JsonNode c = inits.get(i);
      restarts += c.path("restartCount").asInt();
      lastRestart = later(lastRestart, c.path("lastState").path("terminated").path("finishedAt"));
      JsonNode terminated = c.path("state").path("terminated");
      String waiting = c.path("state").path("waiting").path("reason").asText("");
      if (!terminated.isMissingNode() && terminated.path("exitCode").asInt() == 0) {
        continue;
      }
      if (!terminated.isMissingNode()) {
        reason = "Init:" + terminatedReason(terminated);
      } else if (!waiting.isEmpty() && !waiting.equals("PodInitializing")) {
        reason = "Init:" + waiting;
      } else {
        reason = "Init:" + i + "/" + initCount;
      }
      initializing = true;
      break;
    }
    int ready = 0;
    if (!initializing || conditionTrue(status, "Initialized")) {
      restarts = 0;
      lastRestart = null;
      boolean running = false;
      JsonNode containers = status.path("containerStatuses");
      for (int i = containers.size() - 1; i >= 0; i--) {
        JsonNode c = containers.get(i);
        restarts += c.path("restartCount").asInt();
        lastRestart = later(lastRestart, c.path("lastState").path("terminated").path("finishedAt"));
        String waiting = c.path("state").path("waiting").path("reason").asText("");
        JsonNode terminated = c.path("state").path("terminated");
        if (!waiting.isEmpty()) {
          reason = waiting;
        } else if (!terminated.isMissingNode()) {
          reason = terminatedReason(terminated);
        } else if (c.path("ready").asBoolean()
            && !c.path("state").path("running").isMissingNode()) {
          running = true;
          ready++;
        }
      }
      if (reason.equals("Completed") && running) {
        reason = conditionTrue(status, "Ready") ? "Running" : "NotReady";
      }
    }
    String phase = text(pod, "status", "phase");
    if (!text(pod, "metadata", "deletionTimestamp").isEmpty()
        && !phase.equals("Succeeded")
        && !phase.equals("Failed")) {
      reason = "Terminating";
    }
    String restartText = String.valueOf(restarts);
    if (restarts != 0 && lastRestart != null) {
      restartText = restarts + " (" + human(Duration.between(lastRestart, now)) + " ago)";
    }
    JsonNode gates = pod.path("spec").path("readinessGates");
    String readinessGates = "<none>";
    if (gates.size() > 0) {
      int met = 0;
      for (JsonNode gate : gates) {
        met += conditionTrue(status, gate.path("conditionType").asText()) ? 1 : 0;
      }
      readinessGates = met + "/" + gates.size();
    }
    return cells(
        text(pod, "metadata", "name"),
        ready + "/" + pod.path("spec").path("containers").size(),
        reason,
        restartText,
        since(text(pod, "metadata", "creationTimestamp"), now),
        orNone(status.path("podIPs").path(0).path("ip").asText(text(pod, "status", "podIP"))),
        orNone(text(pod, "spec", "nodeName")),
        orNone(text(pod, "status", "nominatedNodeName")),
        readinessGates);
  }

  private static String terminatedReason(JsonNode terminated) {
    String reason = terminated.path("reason").asText("");
    if (!reason.isEmpty()) {
      return reason;
    }
    int signal = terminated.path("signal").asInt();
    return signal != 0 ? "Signal:" + signal : "ExitCode:" + terminated.path("exitCode").asInt();
  }

  private static Printer events() {
    return new Printer(
        List.of(
            Column.of(
                "Last Seen",
                "string",
                "The time at which the most recent occurrence was recorded."),
            Column.of("Type", "string", "Type of this event (Normal, Warning)."),
            Column.of("Reason", "string", "A short reason for the transition into this state."),
            Column.of("Object", "string", "The object that this event is about."),
            Column.wide("Subobject", "string", "The part of the object this event is about."),
            Column.wide("Source", "string", "The component reporting this event."),
            Column.of("Message", "string", "A description of the status of this operation."),
            Column.wide("First Seen", "string", "The time at which the event was first recorded."),
            Column.wide("Count", "string", "The number of times this event has occurred."),
            new Column("Name", "string", "name", "Name must be unique within a namespace.", 1)),
        (e, now) -> {
          String first = text(e, "firstTimestamp");
          String firstSeen = first.isEmpty() ? since(text(e, "eventTime"), now) : since(first, now);
          String last = text(e, "lastTimestamp");
          String lastSeen = last.isEmpty() ? firstSeen : since(last, now);
          long count = e.path("count").asLong();
          if (e.has("series")) {
            lastSeen = since(text(e, "series", "lastObservedTime"), now);
            count = e.path("series").path("count").asLong();
          } else if (count == 0) {
            count = 1;
          }
          String kind = text(e, "involvedObject", "kind").toLowerCase(Locale.ROOT);
          String name = text(e, "involvedObject", "name");
          String component = text(e, "source", "component");
          String instance = text(e, "source", "host");
          component = component.isEmpty() ? text(e, "reportingComponent") : component;
          instance = instance.isEmpty() ? text(e, "reportingInstance") : instance;
          return cells(
              lastSeen,
              text(e, "type"),
              text(e, "reason"),
              name.isEmpty() ? kind : kind + "/" + name,
              text(e, "involvedObject", "fieldPath"),
              instance.isEmpty() ? component : component + ", " + instance,
              text(e, "message").strip(),
              firstSeen,
              count,
              text(e, "metadata", "name"));
        });
  }

  private static Printer jobs() {
    return new Printer(
        List.of(
            Column.nameColumn(),
            Column.of("Status", "string", "Status of the job."),
            Column.of("Completions", "string", "The number of pods which reached phase Succeeded."),
            Column.of("Duration", "string", "Time required to complete the job."),
            Column.ageColumn(),
            Column.wide("Containers", "string", "Names of each container in the template."),
            Column.wide("Images", "string", "Images referenced by each container in the template."),
            Column.wide("Selector", "string", "A label query over pods that should match.")),
        (job, now) -> {
          JsonNode spec = job.path("spec");
          int succeeded = job.path("status").path("succeeded").asInt();
          String completions;
          if (spec.has("completions") && !spec.path("completions").isNull()) {
            completions = succeeded + "/" + spec.path("completions").asInt();
          } else if (spec.path("parallelism").asInt() > 1) {
            completions = succeeded + "/1 of " + spec.path("parallelism").asInt();
          } else {
            completions = succeeded + "/1";
          }
          String start = text(job, "status", "startTime");
          String end = text(job, "status", "completionTime");
          String duration = "";
          if (!start.isEmpty()) {
            Instant until = end.isEmpty() ? now : parse(end, now);
            duration = human(Duration.between(parse(start, now), until));
          }
          JsonNode status = job.path("status");
          String state;
          if (conditionTrue(status, "Complete")) {
            state = "Complete";
          } else if (conditionTrue(status, "Failed")) {
            state = "Failed";
          } else if (!text(job, "metadata", "deletionTimestamp").isEmpty()) {
            state = "Terminating";
          } else if (conditionTrue(status, "Suspended")) {
            state = "Suspended";
          } else if (conditionTrue(status, "FailureTarget")) {
            state = "FailureTarget";
          } else if (conditionTrue(status, "SuccessCriteriaMet")) {
            state = "SuccessCriteriaMet";
          } else {
            state = "Running";
          }
          JsonNode containers = spec.path("template").path("spec").path("containers");
          return cells(
              text(job, "metadata", "name"),
              state,
              completions,
              duration,
              since(text(job, "metadata", "creationTimestamp"), now),
              join(containers, "name"),
              join(containers, "image"),
              orNone(selector(spec.path("selector"))));
        });
  }

  private static Printer claims() {
    return new Printer(
        List.of(
            Column.nameColumn(),
            Column.of("Status", "string", "The current phase of the claim."),
            Column.of("Volume", "string", "The binding reference to the volume."),
            Column.of("Capacity", "string", "The actual resources of the underlying volume."),
            Column.of("Access Modes", "string", "The actual access modes the volume has."),
            Column.of("StorageClass", "string", "StorageClass of the pvc"),
            Column.of("VolumeAttributesClass", "string", "VolumeAttributesClass of the pvc"),
            Column.ageColumn(),
            Column.wide("VolumeMode", "string", "What type of volume is required by the claim.")),
        (pvc, now) -> {
          String phase = text(pvc, "status", "phase");
          if (!text(pvc, "metadata", "deletionTimestamp").isEmpty()) {
            phase = "Terminating";
          }
          String capacity = "";
          String accessModes = "";
          if (!text(pvc, "spec", "volumeName").isEmpty()) {
            accessModes = accessModes(pvc.path("status").path("accessModes"));
            capacity = text(pvc, "status", "capacity", "storage");
          }
          String storageClass =
              pvc.path("metadata")
                  .path("annotations")
                  .path("volume.beta.kubernetes.io/storage-class")
                  .asText(text(pvc, "spec", "storageClassName"));
          String attributesClass = text(pvc, "spec", "volumeAttributesClassName");
          String volumeMode = text(pvc, "spec", "volumeMode");
          return cells(
              text(pvc, "metadata", "name"),
              phase,
              text(pvc, "spec", "volumeName"),
              capacity,
              accessModes,
              storageClass,
              attributesClass.isEmpty() ? "<unset>" : attributesClass,
              since(text(pvc, "metadata", "creationTimestamp"), now),
              volumeMode.isEmpty() ? "<unset>" : volumeMode);
        });
  }

  private static Printer deployments() {
    return new Printer(
        List.of(
            Column.nameColumn(),
            Column.of("Ready", "string", "Number of the pod with ready state"),
            Column.of("Up-to-date", "integer", "Total number of updated pods."),
            Column.of("Available", "integer", "Total number of available pods."),
            Column.ageColumn(),
            Column.wide("Containers", "string", "Names of each container in the template."),
            Column.wide("Images", "string", "Images referenced by each container in the template."),
            Column.wide("Selector", "string", "Label selector for pods.")),
        (d, now) -> {
          JsonNode status = d.path("status");
          JsonNode containers = d.path("spec").path("template").path("spec").path("containers");
          return cells(
              text(d, "metadata", "name"),
              status.path("readyReplicas").asLong()
                  + "/"
                  + d.path("spec").path("replicas").asLong(1),
              status.path("updatedReplicas").asLong(),
              status.path("availableReplicas").asLong(),
              since(text(d, "metadata", "creationTimestamp"), now),
              join(containers, "name"),
              join(containers, "image"),
              selector(d.path("spec").path("selector")));
        });
  }

  private static Printer services() {
    return new Printer(
        List.of(
            Column.nameColumn(),
            Column.of("Type", "string", "How the Service is exposed."),
            Column.of("Cluster-IP", "string", "The IP address of the service."),
            Column.of("External-IP", "string", "External addresses of the service."),
            Column.of("Port(s)", "string", "The ports exposed by this service."),
            Column.ageColumn(),
            Column.wide("Selector", "string", "Pods with these labels get the traffic.")),
        (svc, now) -> {
          JsonNode spec = svc.path("spec");
          String type = text(svc, "spec", "type");
          type = type.isEmpty() ? "ClusterIP" : type;
          String clusterIp = spec.path("clusterIPs").path(0).asText(text(svc, "spec", "clusterIP"));
          List<String> ports = new ArrayList<>();
          for (JsonNode p : spec.path("ports")) {
            String protocol = p.path("protocol").asText("TCP");
            int nodePort = p.path("nodePort").asInt();
            ports.add(
                nodePort > 0
                    ? p.path("port").asInt() + ":" + nodePort + "/" + protocol
                    : p.path("port").asInt() + "/" + protocol);
          }
          return cells(
              text(svc, "metadata", "name"),
              type,
              orNone(clusterIp),
              externalIp(svc, type),
              ports.isEmpty() ? "<none>" : String.join(",", ports),
              since(text(svc, "metadata", "creationTimestamp"), now),
              orNone(labels(spec.path("selector"))));
        });
  }

  private static String externalIp(JsonNode svc, String type) {
    List<String> external = new ArrayList<>();
    svc.path("spec").path("externalIPs").forEach(ip -> external.add(ip.asText()));
    switch (type) {
      case "LoadBalancer" -> {
        for (JsonNode ingress : svc.path("status").path("loadBalancer").path("ingress")) {
          external.add(ingress.path("ip").asText(ingress.path("hostname").asText("")));
        }
        return external.isEmpty() ? "<pending>" : String.join(",", external);
      }
      case "ExternalName" -> {
        return text(svc, "spec", "externalName");
      }
      default -> {
        return external.isEmpty() ? "<none>" : String.join(",", external);
      }
    }
  }

  private static Printer autoscalers() {
    return new Printer(
        List.of(
            Column.nameColumn(),
            Column.of("Reference", "string", "The reference to the scaled resource."),
            Column.of("Targets", "string", "The current and target values of the metrics."),
            Column.of("MinPods", "string", "The lower limit for the number of replicas."),
            Column.of("MaxPods", "integer", "The upper limit for the number of replicas."),
            Column.of("Replicas", "integer", "Current number of replicas."),
            Column.ageColumn()),
        (hpa, now) -> {
          JsonNode spec = hpa.path("spec");
          JsonNode min = spec.path("minReplicas");
          return cells(
              text(hpa, "metadata", "name"),
              text(hpa, "spec", "scaleTargetRef", "kind")
                  + "/"
                  + text(hpa, "spec", "scaleTargetRef", "name"),
              metrics(spec.path("metrics"), hpa.path("status").path("currentMetrics")),
              min.isMissingNode() || min.isNull() ? "<unset>" : String.valueOf(min.asInt()),
              spec.path("maxReplicas").asLong(),
              hpa.path("status").path("currentReplicas").asLong(),
              since(text(hpa, "metadata", "creationTimestamp"), now));
        });
  }

  /** kubectl's TARGETS of an HPA: {@code cpu: 40%/80%}, at most two, then {@code + N more...}. */
  private static String metrics(JsonNode specs, JsonNode statuses) {
    if (specs.size() == 0) {
      return "<none>";
    }
    List<String> list = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      JsonNode spec = specs.get(i);
      JsonNode status = statuses.path(i);
      String type = spec.path("type").asText();
      String source =
          switch (type) {
            case "Resource" -> "resource";
            case "ContainerResource" -> "containerResource";
            case "Pods" -> "pods";
            case "Object" -> "object";
            case "External" -> "external";
            default -> "";
          };
      if (source.isEmpty()) {
        list.add("<unknown type>");
        continue;
      }
      JsonNode target = spec.path(source).path("target");
      JsonNode current = status.path(source).path("current");
      String value;
      if (target.has("averageUtilization")) {
        value =
            (current.has("averageUtilization")
                    ? current.path("averageUtilization").asInt() + "%"
                    : "<unknown>")
                + "/"
                + target.path("averageUtilization").asInt()
                + "%";
      } else if (target.has("averageValue")) {
        value =
            current.path("averageValue").asText("<unknown>")
                + "/"
                + target.path("averageValue").asText()
                + (type.equals("Resource") || type.equals("ContainerResource") ? "" : " (avg)");
      } else {
        value = current.path("value").asText("<unknown>") + "/" + target.path("value").asText();
      }
      String name = spec.path(source).path("name").asText("");
      list.add(
          (type.equals("Resource") || type.equals("ContainerResource")) && !name.isEmpty()
              ? name + ": " + value
              : value);
    }
    if (list.size() > 2) {
      return String.join(", ", list.subList(0, 2)) + " + " + (list.size() - 2) + " more...";
    }
    return String.join(", ", list);
  }

  private static Printer namespaces() {
    return new Printer(
        List.of(
            Column.nameColumn(),
            Column.of("Status", "string", "The status of the namespace"),
            Column.ageColumn()),
        (ns, now) ->
            cells(
                text(ns, "metadata", "name"),
                text(ns, "status", "phase"),
                since(text(ns, "metadata", "creationTimestamp"), now)));
  }

  private static Printer secrets() {
    return new Printer(
        List.of(
            Column.nameColumn(),
            Column.of("Type", "string", "The type of the secret"),
            Column.of("Data", "integer", "The number of data items in the secret"),
            Column.ageColumn()),
        (s, now) -> {
          // The mock keeps stringData apart; an API server merges it into data.
          Set<String> keys = new LinkedHashSet<>();
          s.path("data").fieldNames().forEachRemaining(keys::add);
          s.path("stringData").fieldNames().forEachRemaining(keys::add);
          return cells(
              text(s, "metadata", "name"),
              text(s, "type").isEmpty() ? "Opaque" : text(s, "type"),
              (long) keys.size(),
              since(text(s, "metadata", "creationTimestamp"), now));
        });
  }

  private static Printer configMaps() {
    return new Printer(
        List.of(
            Column.nameColumn(),
            Column.of("Data", "integer", "The number of data items in the ConfigMap"),
            Column.ageColumn()),
        (cm, now) ->
            cells(
                text(cm, "metadata", "name"),
                (long) (cm.path("data").size() + cm.path("binaryData").size()),
                since(text(cm, "metadata", "creationTimestamp"), now)));
  }

  // Helpers.

  private static List<Object> cells(Object... cells) {
    return Arrays.asList(cells);
  }

  private static String text(JsonNode object, String... path) {
    JsonNode node = object;
    for (String p : path) {
      node = node.path(p);
    }
    return node.isValueNode() && !node.isNull() ? node.asText() : "";
  }

  private static String orNone(String value) {
    return value == null || value.isEmpty() ? "<none>" : value;
  }

  private static boolean conditionTrue(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (type.equals(c.path("type").asText()) && "True".equals(c.path("status").asText())) {
        return true;
      }
    }
    return false;
  }

  private static Instant later(Instant current, JsonNode timestamp) {
    if (!timestamp.isTextual()) {
      return current;
    }
    try {
      Instant t = Instant.parse(timestamp.asText());
      return current == null || t.isAfter(current) ? t : current;
    } catch (RuntimeException e) {
      return current;
    }
  }

  private static Instant parse(String timestamp, Instant fallback) {
    try {
      return Instant.parse(timestamp);
    } catch (RuntimeException e) {
      return fallback;
    }
  }

  private static String join(JsonNode list, String field) {
    List<String> values = new ArrayList<>();
    list.forEach(item -> values.add(item.path(field).asText()));
    return String.join(",", values);
  }

  /** {@code k=v,…} sorted by key, or "" for no labels. */
  private static String labels(JsonNode map) {
    Map<String, String> sorted = new TreeMap<>();
    map.properties().forEach(e -> sorted.put(e.getKey(), e.getValue().asText()));
    return sorted.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }

  /** A label selector as {@code labels.Selector.String()} prints it, requirements by key. */
  static String selector(JsonNode selector) {
    Map<String, String> requirements = new TreeMap<>();
    selector
        .path("matchLabels")
        .properties()
        .forEach(e -> requirements.put(e.getKey(), e.getKey() + "=" + e.getValue().asText()));
    for (JsonNode expression : selector.path("matchExpressions")) {
      String key = expression.path("key").asText();
      Set<String> values = new TreeSet<>();
      expression.path("values").forEach(v -> values.add(v.asText()));
      String text =
          switch (expression.path("operator").asText()) {
            case "In" -> key + " in (" + String.join(",", values) + ")";
            case "NotIn" -> key + " notin (" + String.join(",", values) + ")";
            case "Exists" -> key;
            case "DoesNotExist" -> "!" + key;
            default -> key + " " + expression.path("operator").asText();
          };
      requirements.merge(key, text, (a, b) -> a + "," + b);
    }
    return String.join(",", requirements.values());
  }

  private static String accessModes(JsonNode modes) {
    Set<String> present = new LinkedHashSet<>();
    modes.forEach(m -> present.add(m.asText()));
    List<String> out = new ArrayList<>();
    if (present.contains("ReadWriteOnce")) {
      out.add("RWO");
    }
    if (present.contains("ReadOnlyMany")) {
      out.add("ROX");
    }
    if (present.contains("ReadWriteMany")) {
      out.add("RWX");
    }
    if (present.contains("ReadWriteOncePod")) {
      out.add("RWOP");
    }
    return String.join(",", out);
  }
}
