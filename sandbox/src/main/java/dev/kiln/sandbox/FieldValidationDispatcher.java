package dev.kiln.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code fieldValidation}, which kubectl sends with every create and apply ({@code Strict} unless
 * told otherwise) once the OpenAPI says the server validates: a built-in object with a field its
 * kind does not have ({@link UnknownFields}) is refused with 400 naming the field under {@code
 * Strict}, and answered with a warning under {@code Warn}, as the API server does. So a typo in a
 * Secret is caught in the sandbox as it is on a cluster. Kiln's kinds are checked against their
 * CRDs by {@link AdmissionDispatcher}.
 */
final class FieldValidationDispatcher extends ChainedDispatcher {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ModelSchemas models = new ModelSchemas();

  /** {@link #serve} the resources, to know each one's kind. */
  FieldValidationDispatcher(Dispatcher next) {
    super(next);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    Optional<ApiPath> parsed = ApiPath.parse(request.getPath());
    ApiDiscovery apis = discovery();
    if (parsed.isEmpty() || apis == null || !checked(request, parsed.get())) {
      return pass(request);
    }
    ApiPath path = parsed.get();
    String directive = path.query().getOrDefault("fieldValidation", "");
    Optional<Class<?>> model =
        apis.resource(path.groupVersion(), path.resource())
            .map(APIResource::getKind)
            .flatMap(kind -> ModelSchemas.modelClass(path.groupVersion(), kind));
    if (!(directive.equals("Strict") || directive.equals("Warn")) || model.isEmpty()) {
      return pass(request);
    }
    List<String> unknown;
    try {
      JsonNode body = JSON.readTree(request.getBody().getBytes());
      synchronized (models) {
        unknown = UnknownFields.of(body, models.add(model.get()), models.schemas());
      }
    } catch (IOException e) {
      return pass(request); // the store reports an unreadable body
    }
    if (unknown.isEmpty()) {
      return pass(request);
    }
    String kind = model.get().getSimpleName();
    if (directive.equals("Strict")) {
      return StatusResponses.failure(
          400,
          "BadRequest",
          kind
              + " in version \""
              + path.version()
              + "\" cannot be handled as a "
              + kind
              + ": strict decoding error: "
              + unknown.stream()
                  .map(f -> "unknown field \"" + f + "\"")
                  .collect(Collectors.joining(", ")));
    }
    MockResponse answer = pass(request);
    unknown.forEach(f -> answer.addHeader("Warning", "299 - \"unknown field \\\"" + f + "\\\"\""));
    return answer;
  }

  /** Creates, replaces and merge patches carry an object (or part of one) to check. */
  private static boolean checked(RecordedRequest request, ApiPath path) {
    if (path.subresource() != null) {
      return false;
    }
    String contentType = request.getHeader("Content-Type");
    return (request.method() == HttpMethod.POST && path.isCollection())
        || (request.method() == HttpMethod.PUT && !path.isCollection())
        || (request.method() == HttpMethod.PATCH
            && !path.isCollection()
            && contentType != null
            && contentType.startsWith("application/merge-patch+json"));
  }
}
