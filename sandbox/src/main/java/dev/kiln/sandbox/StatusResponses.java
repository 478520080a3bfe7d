package dev.kiln.sandbox;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;

/**
 * The sandbox API server's own answers: JSON bodies, and refusals as the Kubernetes {@code Status}
 * an API server sends ({@code kind: Status, status: Failure}, reason and code), which kubectl
 * prints as {@code Error from server (<reason>): <message>}.
 */
final class StatusResponses {
  private StatusResponses() {}

  /** A refusal with no details. */
  static MockResponse failure(int code, String reason, String message) {
    return failure(code, reason, message, null);
  }

  /** A refusal naming what it is about ({@code details}: null for none). */
  static MockResponse failure(int code, String reason, String message, StatusDetails details) {
    return status(
        new StatusBuilder()
            .withStatus("Failure")
            .withMessage(message)
            .withReason(reason)
            .withDetails(details)
            .withCode(code)
            .build());
  }

  /** A Status, answered with its own code. */
  static MockResponse status(Status status) {
    return json(status.getCode(), Serialization.asJson(status));
  }

  static MockResponse json(int code, String body) {
    return new MockResponse()
        .setResponseCode(code)
        .setHeader("Content-Type", "application/json")
        .setBody(body);
  }
}
