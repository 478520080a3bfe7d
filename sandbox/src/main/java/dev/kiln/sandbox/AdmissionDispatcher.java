package dev.kiln.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.testkit.crd.CrdValidator;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.StatusCauseBuilder;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the mock API server lacks and a real one does for Kiln's resources: a create (POST) or
 * replace (PUT) of a TrainingJob or ModelServer is checked against the CRD's schema, unknown fields
 * and CEL rules (transition rules on replace, so a started run's spec stays immutable), and refused
 * with 422 Invalid and one cause per field, as kubectl shows them. Merge and JSON patches pass
 * unchecked: the mock applies them itself.
 */
final class AdmissionDispatcher extends ChainedDispatcher {
  private static final Pattern PATH =
      Pattern.compile(
          "^/apis/([^/]+)/([^/]+)/namespaces/([^/]+)/([^/?]+)(?:/([^/?]+))?(?:\\?.*)?$");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CrdValidator validator;
  private final Map<String, String> kinds;

  /** {@code kinds}: "group/version/plural" → kind, for the resources to check. */
  AdmissionDispatcher(Dispatcher next, CrdValidator validator, Map<String, String> kinds) {
    super(next);
    this.validator = validator;
    this.kinds = Map.copyOf(kinds);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    HttpMethod method = request.method();
    Matcher m = PATH.matcher(request.getPath());
    if ((method != HttpMethod.POST && method != HttpMethod.PUT) || !m.matches()) {
      return pass(request);
    }
    String kind = kinds.get(m.group(1) + "/" + m.group(2) + "/" + m.group(4));
    boolean replace = method == HttpMethod.PUT && m.group(5) != null;
    boolean create = method == HttpMethod.POST && m.group(5) == null;
    if (kind == null || !(create || replace)) {
      return pass(request);
    }
    JsonNode object;
    try {
      object = JSON.readTree(new String(request.getBody().getBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return pass(request); // the CRUD dispatcher reports unreadable bodies
    }
    List<String> errors;
    if (create) {
      errors = validator.validate(object);
    } else {
      JsonNode old = current(request.getPath());
      errors = old == null ? List.of() : validator.validateUpdate(old, object);
    }
    if (errors.isEmpty()) {
      return pass(request);
    }
    return StatusResponses.status(invalid(kind, m.group(1), object, errors));
  }

  private JsonNode current(String path) {
    MockResponse answer = LocalRequests.get(next(), path);
    if (answer.code() != 200) {
      return null;
    }
    try {
      return JSON.readTree(new String(answer.getBody().getBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return null;
    }
  }

  /** The API server's answer: {@code TrainingJob.kiln.dev "x" is invalid: <field>: <why>, ...}. */
  static Status invalid(String kind, String group, JsonNode object, List<String> errors) {
    String name = object.path("metadata").path("name").asText("");
    List<StatusCause> causes =
        errors.stream()
            .map(
                e -> {
                  int colon = e.indexOf(": ");
                  boolean field = colon > 0 && !e.substring(0, colon).contains(" ");
                  return new StatusCauseBuilder()
                      .withReason("FieldValueInvalid")
                      .withField(field ? e.substring(0, colon) : null)
                      .withMessage(field ? e.substring(colon + 2) : e)
                      .build();
                })
            .toList();
    return new StatusBuilder()
        .withStatus("Failure")
        .withReason("Invalid")
        .withCode(422)
        .withMessage(
            kind + "." + group + " \"" + name + "\" is invalid: " + String.join(", ", errors))
        .withNewDetails()
        .withGroup(group)
        .withKind(kind)
        .withName(name)
        .withCauses(causes)
        .endDetails()
        .build();
  }
}
