package dev.kiln.sandbox;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.StatusDetailsBuilder;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an API server answers before any resource: the discovery documents ({@code /api}, {@code
 * /apis}, {@code /apis/<g>/<v>}, {@code /version}, {@code /healthz}) whatever their query string
 * ({@code kubectl} sends {@code /api?timeout=32s}, which the mock's path expectations do not
 * match), the OpenAPI v3 index and documents, {@code 404 NotFound} for any path that names no
 * resource discovery lists (the mock would answer a list of everything it stores), and {@code 400}
 * for a dry run (the mock would store the object). Resource requests go on to the next dispatcher.
 * Workarounds, each listed in docs/design.md#workarounds.
 */
final class DiscoveryDispatcher extends ChainedDispatcher {
  /** Served by the test kit's canned answers (JOSDK's permission check), not in discovery. */
  private static final Set<String> CANNED =
      Set.of("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews");

  /** How the mock's lists begin (its own composer, or Jackson's after a field selector). */
  private static final Pattern MOCK_LIST =
      Pattern.compile("\\{\"apiVersion\":\"v1\",\"kind\":\"List\",\\s*");

  private volatile Map<String, String> documents = Map.of();
  private volatile OpenApiDocuments openApi;

  DiscoveryDispatcher(Dispatcher next) {
    super(next);
  }

  /** The JSON documents to serve, by path, and the resources and OpenAPI documents behind them. */
  void serve(Map<String, String> documents, ApiDiscovery discovery, OpenApiDocuments openApi) {
    this.documents = Map.copyOf(documents);
    serve(discovery);
    this.openApi = openApi;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String uri = request.getPath();
    int query = uri.indexOf('?');
    String path = query < 0 ? uri : uri.substring(0, query);
    boolean get = request.method() == HttpMethod.GET;
    String document = documents.get(path);
    if (document != null && get) {
      return StatusResponses.json(200, document);
    }
    if (get && (path.equals("/healthz") || path.equals("/livez") || path.equals("/readyz"))) {
      return new MockResponse()
          .setResponseCode(200)
          .setHeader("Content-Type", "text/plain")
          .setBody("ok");
    }
    if (get && openApi != null && path.equals("/openapi/v3")) {
      return StatusResponses.json(200, openApi.index());
    }
    if (get && openApi != null && path.startsWith("/openapi/v3/")) {
      return openApi
          .document(path.substring("/openapi/v3/".length()))
          .map(doc -> StatusResponses.json(200, doc))
          .orElseGet(DiscoveryDispatcher::notFound);
    }
    Optional<ApiPath> resource = ApiPath.parse(uri);
    ApiDiscovery apis = discovery();
    boolean known =
        apis == null
            || CANNED.contains(path)
            || resource.filter(r -> apis.has(r.groupVersion(), r.resource())).isPresent();
    if (!known) {
      return notFound();
    }
    if (resource.filter(r -> r.query().containsKey("dryRun")).isPresent()) {
      // The mock would store the object; better no dry run than a real one.
      return StatusResponses.failure(
          400,
          "BadRequest",
          "the sandbox does not do dry runs (dryRun); leave out --dry-run=server");
    }
    MockResponse answer = pass(request);
    return resource.isPresent() ? typed(resource.get(), answer) : answer;
  }

  /**
   * The store's answers as kubectl's typed clients (which accept protobuf first, and decode a list
   * into its own kind) need them: JSON said so in the Content-Type, and a list of pods an {@code v1
   * PodList}, not the mock's {@code v1 List}.
   */
  private MockResponse typed(ApiPath path, MockResponse answer) {
    if (answer.getWebSocketListener() != null
        || answer.getBody() == null
        || answer.getBody().size() == 0) {
      return answer;
    }
    if (answer.header("Content-Type") == null) {
      answer.setHeader("Content-Type", "application/json");
    }
    String body = new String(answer.getBody().getBytes(), StandardCharsets.UTF_8);
    Matcher list = MOCK_LIST.matcher(body);
    ApiDiscovery apis = discovery();
    Optional<String> kind =
        apis == null
            ? Optional.empty()
            : apis.resource(path.groupVersion(), path.resource()).map(APIResource::getKind);
    if (path.isCollection() && path.subresource() == null && kind.isPresent() && list.lookingAt()) {
      answer.setBody(
          "{\"apiVersion\":\""
              + path.groupVersion()
              + "\",\"kind\":\""
              + kind.get()
              + "List\","
              + body.substring(list.end()));
    }
    return answer;
  }

  /** The API server's answer for a path it does not serve. */
  static MockResponse notFound() {
    return StatusResponses.failure(
        404,
        "NotFound",
        "the server could not find the requested resource",
        new StatusDetailsBuilder().build());
  }
}
