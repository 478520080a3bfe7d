package dev.kiln.testkit.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.testkit.crd.CrdValidator;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The indexed store must answer exactly as fabric8's stock CRUD store: the same requests go to
 * both, and every answer (status code and body, list order included) and every watch event must be
 * the same, up to the random uid and the clock.
 */
class IndexedCrudDispatcherTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TJ = "/apis/kiln.dev/v1alpha1";

  /** A kind the fuzz writes: where its collection is, and how its objects look. */
  private record Kind(String prefix, String plural, String kind, String apiVersion, boolean ns) {
    String collection(String namespace) {
      return ns ? prefix + "/namespaces/" + namespace + "/" + plural : prefix + "/" + plural;
    }

    String object(String namespace, String name) {
      return collection(namespace) + "/" + name;
    }
  }

  private static final List<Kind> KINDS =
      List.of(
          new Kind("/api/v1", "configmaps", "ConfigMap", "v1", true),
          new Kind("/api/v1", "events", "Event", "v1", true),
          // same plural, another group: the index must keep them apart
          new Kind("/apis/events.k8s.io/v1", "events", "Event", "events.k8s.io/v1", true),
          new Kind(TJ, "trainingjobs", "TrainingJob", "kiln.dev/v1alpha1", true),
          new Kind("/api/v1", "namespaces", "Namespace", "v1", false));

  private static final List<String> NAMESPACES = List.of("team-a", "team-b");
  private static final List<String> NAMES = List.of("n0", "n1", "n2", "n3");
  private static final List<String> SELECTORS =
      List.of(
          "labelSelector=app%3Dx",
          "labelSelector=app%21%3Dx",
          "labelSelector=tier",
          "labelSelector=%21tier",
          "labelSelector=app%3Dy%2Ctier",
          "fieldSelector=metadata.name%3Dn1");

  private final KubernetesCrudDispatcher stock = new KubernetesCrudDispatcher();
  private final IndexedCrudDispatcher indexed = new IndexedCrudDispatcher();

  @BeforeEach
  void applyTrainingJobCrd() throws IOException {
    // The committed CRD (CrdDriftTest keeps it equal to the generated one): the test kit
    // depends on no Kiln module.
    try (InputStream in =
        Files.newInputStream(
            CrdValidator.repositoryRoot().resolve("crd/trainingjobs.kiln.dev.yaml"))) {
      String crd =
          Serialization.asJson(Serialization.unmarshal(in, CustomResourceDefinition.class));
      same(HttpMethod.POST, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
    }
  }

  @Test
  void aDuplicateCreateIsAConflictAndAStaleUpdateToo() throws IOException {
    String path = "/api/v1/namespaces/team-a/configmaps";
    assertThat(same(HttpMethod.POST, path, configMap("team-a", "c", "{}")).code()).isEqualTo(201);
    MockResponse duplicate = same(HttpMethod.POST, path, configMap("team-a", "c", "{}"));
    assertThat(duplicate.code()).isEqualTo(409);

    ObjectNode stale = (ObjectNode) JSON.readTree(configMap("team-a", "c", "{}"));
    ((ObjectNode) stale.get("metadata")).put("resourceVersion", "1");
    assertThat(same(HttpMethod.PUT, path + "/c", stale.toString()).code()).isEqualTo(409);
  }

  @Test
  void statusIsASubresourceOfTrainingJobs() throws IOException {
    String path = TJ + "/namespaces/team-a/trainingjobs";
    String tj = object("kiln.dev/v1alpha1", "TrainingJob", "team-a", "t", "{}");
    same(HttpMethod.POST, path, tj);
    same(
        HttpMethod.PATCH,
        path + "/t/status",
        "{\"status\":{\"phase\":\"Running\"},\"spec\":{\"image\":\"ignored\"}}",
        "application/merge-patch+json");
    JsonNode stored = JSON.readTree(same(HttpMethod.GET, path + "/t", null).getBody().readUtf8());
    assertThat(stored.path("status").path("phase").asText()).isEqualTo("Running");
    assertThat(stored.path("spec").has("image")).isFalse();
  }

  @Test
  void answersAndWatchEventsAreThoseOfTheStockStore() throws IOException {
    RecordingSocket stockWatch = watch(stock, "/api/v1/namespaces/team-a/configmaps?watch=true");
    RecordingSocket indexedWatch =
        watch(indexed, "/api/v1/namespaces/team-a/configmaps?watch=true");
    RecordingSocket stockTjWatch = watch(stock, TJ + "/trainingjobs?labelSelector=app&watch=true");
    RecordingSocket indexedTjWatch =
        watch(indexed, TJ + "/trainingjobs?labelSelector=app&watch=true");

    Random random = new Random(9);
    for (int i = 0; i < 3000; i++) {
      step(random);
    }

    assertThat(stockWatch.close()).isNotEmpty().isEqualTo(indexedWatch.close());
    assertThat(stockTjWatch.close()).isNotEmpty().isEqualTo(indexedTjWatch.close());
    assertThat(indexed.indexedObjects()).isEqualTo(indexed.getMap().size());
    assertThat(indexed.rebuilds()).isZero();
  }

  /** One random request (or read-modify-write) against both stores. */
  private void step(Random random) throws IOException {
    Kind k = KINDS.get(random.nextInt(KINDS.size()));
    String ns = NAMESPACES.get(random.nextInt(NAMESPACES.size()));
    String name = NAMES.get(random.nextInt(NAMES.size()));
    String object = k.object(ns, name);
    switch (random.nextInt(12)) {
      case 0, 1 -> same(HttpMethod.POST, k.collection(ns), body(k, ns, name, random));
      case 2 -> same(HttpMethod.GET, random.nextBoolean() ? object : object + "/status", null);
      case 3 -> {
        String where = random.nextBoolean() || !k.ns ? k.prefix + "/" + k.plural : k.collection(ns);
        String query =
            random.nextBoolean() ? "" : "?" + SELECTORS.get(random.nextInt(SELECTORS.size()));
        same(HttpMethod.GET, where + query, null);
      }
      case 4 -> {
        MockResponse current = same(HttpMethod.GET, object, null);
        if (current.code() == 200) {
          ObjectNode o = (ObjectNode) JSON.readTree(current.getBody().readUtf8());
          ObjectNode metadata = (ObjectNode) o.get("metadata");
          metadata.putObject("labels").put("app", random.nextBoolean() ? "x" : "y");
          if (random.nextInt(4) == 0) {
            metadata.put("resourceVersion", "1"); // stale: a conflict
          }
          o.putObject("data").put("k", String.valueOf(random.nextInt(3)));
          same(HttpMethod.PUT, random.nextBoolean() ? object : object + "/status", o.toString());
        }
      }
      case 5 ->
          same(
              HttpMethod.PATCH,
              random.nextBoolean() ? object : object + "/status",
              "{\"metadata\":{\"labels\":{\"tier\":\"a\"}},\"status\":{\"phase\":\"P"
                  + random.nextInt(3)
                  + "\"}}",
              "application/merge-patch+json");
      case 6 ->
          same(
              HttpMethod.PATCH,
              object,
              "[{\"op\":\"add\",\"path\":\"/metadata/labels/app\",\"value\":\"x\"}]",
              "application/json-patch+json");
      case 7 ->
          same(
              HttpMethod.PATCH,
              object,
              "{\"metadata\":{\"labels\":{\"tier\":null}}}",
              "application/merge-patch+json");
      case 8 -> same(HttpMethod.DELETE, object, null);
      case 9 ->
          same(
              HttpMethod.PATCH,
              object,
              "{\"metadata\":{\"finalizers\":null}}",
              "application/merge-patch+json");
      case 10 -> same(HttpMethod.GET, random.nextBoolean() ? TJ : "/apis/events.k8s.io/v1", null);
      default -> same(HttpMethod.GET, k.collection(ns), null);
    }
  }

  private static String body(Kind k, String ns, String name, Random random) {
    ObjectNode o =
        (ObjectNode) readTree(object(k.apiVersion, k.kind, k.ns ? ns : null, name, "{}"));
    ObjectNode metadata = (ObjectNode) o.get("metadata");
    if (random.nextBoolean()) {
      ObjectNode labels = metadata.putObject("labels");
      labels.put("app", random.nextBoolean() ? "x" : "y");
      if (random.nextBoolean()) {
        labels.put("tier", "b");
      }
    }
    if (random.nextInt(3) == 0) {
      metadata.putArray("finalizers").add("kiln.dev/test");
    }
    return o.toString();
  }

  private static String configMap(String ns, String name, String data) {
    return object("v1", "ConfigMap", ns, name, data);
  }

  private static String object(
      String apiVersion, String kind, String ns, String name, String spec) {
    ObjectNode o = JSON.createObjectNode().put("apiVersion", apiVersion).put("kind", kind);
    ObjectNode metadata = o.putObject("metadata").put("name", name);
    if (ns != null) {
      metadata.put("namespace", ns);
    }
    o.set("spec", readTree(spec));
    return o.toString();
  }

  private MockResponse same(HttpMethod method, String path, String body) {
    return same(method, path, body, "application/json");
  }

  /** Sends the request to both stores and requires the same answer; returns the stock one. */
  private MockResponse same(HttpMethod method, String path, String body, String contentType) {
    MockResponse expected = stock.dispatch(request(method, path, body, contentType));
    MockResponse actual = indexed.dispatch(request(method, path, body, contentType));
    String what = method + " " + path + " " + body;
    assertThat(actual.code()).as(what).isEqualTo(expected.code());
    assertThat(comparable(actual.getBody())).as(what).isEqualTo(comparable(expected.getBody()));
    return expected;
  }

  private static RecordedRequest request(
      HttpMethod method, String path, String body, String contentType) {
    return new RecordedRequest(
        "HTTP/1.1",
        method,
        path,
        Headers.builder().add("Content-Type", contentType).build(),
        new Buffer(body == null ? null : body.getBytes(StandardCharsets.UTF_8)));
  }

  /** The body without what is random or the clock's: uid and timestamps. */
  private static String comparable(Buffer body) {
    String text = body == null ? "" : new String(body.getBytes(), StandardCharsets.UTF_8);
    try {
      JsonNode json = JSON.readTree(text);
      if (json == null) {
        return text;
      }
      strip(json);
      return json.toString();
    } catch (IOException e) {
      return text;
    }
  }

  private static void strip(JsonNode json) {
    if (json.isObject()) {
      ((ObjectNode) json).remove(List.of("uid", "creationTimestamp", "deletionTimestamp"));
    }
    for (Iterator<JsonNode> it = json.elements(); it.hasNext(); ) {
      strip(it.next());
    }
  }

  private static JsonNode readTree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  private static RecordingSocket watch(KubernetesCrudDispatcher store, String path) {
    MockResponse response = store.dispatch(request(HttpMethod.GET, path, null, "application/json"));
    RecordingSocket socket = new RecordingSocket(response.getWebSocketListener());
    socket.listener.onOpen(socket, response);
    return socket;
  }

  /** A watch's client end: keeps the events the store sends. */
  private static final class RecordingSocket implements WebSocket {
    private final WebSocketListener listener;
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());

    RecordingSocket(WebSocketListener listener) {
      this.listener = listener;
    }

    /** Closes the watch, which waits until every event is sent; the events, comparable. */
    List<String> close() {
      listener.onClosed(this, 1000, "done");
      return events.stream()
          .map(e -> comparable(new Buffer(e.getBytes(StandardCharsets.UTF_8))))
          .toList();
    }

    @Override
    public RecordedRequest request() {
      return null;
    }

    @Override
    public boolean send(String text) {
      events.add(text);
      return true;
    }

    @Override
    public boolean send(byte[] bytes) {
      return send(new String(bytes, StandardCharsets.UTF_8));
    }

    @Override
    public boolean close(int code, String reason) {
      return true;
    }
  }
}
