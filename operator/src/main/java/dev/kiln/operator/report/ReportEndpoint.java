package dev.kiln.operator.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.operator.support.KilnMetrics;
import dev.kiln.operator.support.KilnMetrics.ReportResult;
import dev.kiln.operator.support.Times;
import dev.kiln.operator.trainingjob.ReportTokens;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * POST /v1/namespaces/{ns}/trainingjobs/{name}/report with {@code Authorization: Bearer <token>}.
 * Every rejection is a JSON {@code {"error": "..."}} with the matching status code; tokens are
 * never logged or echoed.
 */
public final class ReportEndpoint implements HttpHandler {
  public static final int MAX_BODY_BYTES = 16 * 1024;
  static final Pattern PATH =
      Pattern.compile(
          "^/v1/namespaces/([a-z0-9][-a-z0-9]*)/trainingjobs/([a-z0-9][-a-z0-9.]*)/report$");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ReportTokens tokens;
  private final Function<ResourceID, Optional<TrainingJob>> lookup;
  private final BooleanSupplier serving;
  private final ProgressTracker tracker;
  private final KilnMetrics metrics;
  private final Clock clock;

  public ReportEndpoint(
      ReportTokens tokens,
      Function<ResourceID, Optional<TrainingJob>> lookup,
      BooleanSupplier serving,
      ProgressTracker tracker,
      KilnMetrics metrics,
      Clock clock) {
    this.tokens = tokens;
    this.lookup = lookup;
    this.serving = serving;
    this.tracker = tracker;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try (ex) {
      Result r = process(ex);
      metrics.report(r.result());
      byte[] body =
          r.code() == 202
              ? "{\"status\":\"accepted\"}".getBytes(StandardCharsets.UTF_8)
              : JSON.writeValueAsBytes(Map.of("error", r.message()));
      ex.getResponseHeaders().set("Content-Type", "application/json");
      if (r.code() == 429) {
        ex.getResponseHeaders().set("Retry-After", "1");
      }
      ex.sendResponseHeaders(r.code(), body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private record Result(int code, ReportResult result, String message) {}

  /** A report turned away: the answer to send. Cheap (no stack trace). */
  private static final class Rejected extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Result result;

    Rejected(int code, ReportResult result, String message) {
      super(message, null, false, false);
      this.result = new Result(code, result, message);
    }
  }

  /** The checks in order: route, token, body, then the job's state and the report itself. */
  private Result process(HttpExchange ex) throws IOException {
    try {
      ResourceID id = route(ex);
      TrainingJob tj = authorize(ex, id);
      byte[] body = readBody(ex);
      accept(id, tj, body);
      return new Result(202, ReportResult.ACCEPTED, null);
    } catch (Rejected r) {
      return r.result;
    }
  }

  private static ResourceID route(HttpExchange ex) throws Rejected {
    if (!"POST".equals(ex.getRequestMethod())) {
      throw new Rejected(405, ReportResult.METHOD_NOT_ALLOWED, "use POST");
    }
    Matcher m = PATH.matcher(ex.getRequestURI().getPath());
    if (!m.matches()) {
      throw new Rejected(
          404,
          ReportResult.NOT_FOUND,
          "no such endpoint; POST /v1/namespaces/<ns>/trainingjobs/<name>/report");
    }
    return new ResourceID(m.group(2), m.group(1));
  }

  /** The TrainingJob the bearer token was issued for, if it is the one in the path. */
  private TrainingJob authorize(HttpExchange ex, ResourceID id) throws Rejected {
    String header = ex.getRequestHeaders().getFirst("Authorization");
    if (header == null || !header.startsWith("Bearer ") || header.length() <= 7) {
      throw new Rejected(
          401, ReportResult.UNAUTHORIZED, "missing bearer token (Authorization: Bearer <token>)");
    }
    ReportTokens.Identity owner =
        tokens
            .verify(header.substring(7).trim())
            .orElseThrow(() -> new Rejected(401, ReportResult.UNAUTHORIZED, "invalid token"));
    if (!serving.getAsBoolean()) {
      throw new Rejected(
          503, ReportResult.UNAVAILABLE, "this replica is not the leader yet; retry");
    }
    // One answer for "another run" and "no such run", so a token cannot probe which runs exist.
    Rejected notYours =
        new Rejected(403, ReportResult.FORBIDDEN, "this token was not issued for this TrainingJob");
    if (!owner.namespace().equals(id.getNamespace().orElseThrow())
        || !owner.name().equals(id.getName())) {
      throw notYours;
    }
    TrainingJob tj = lookup.apply(id).orElseThrow(() -> notYours);
    if (!owner.uid().equals(tj.getMetadata().getUid())) {
      throw notYours;
    }
    return tj;
  }

  private static byte[] readBody(HttpExchange ex) throws IOException, Rejected {
    String length = ex.getRequestHeaders().getFirst("Content-Length");
    byte[] body =
        length != null && parseLong(length) > MAX_BODY_BYTES
            ? null
            : readAtMost(ex.getRequestBody(), MAX_BODY_BYTES);
    if (body == null) {
      throw new Rejected(413, ReportResult.TOO_LARGE, "body over " + MAX_BODY_BYTES + " bytes");
    }
    return body;
  }

  /** Rate limit, a finished job, a malformed report; else the report is recorded. */
  private void accept(ResourceID id, TrainingJob tj, byte[] body) throws Rejected {
    String uid = tj.getMetadata().getUid();
    if (!tracker.allow(id, uid)) {
      throw new Rejected(
          429, ReportResult.RATE_LIMITED, "too many reports for this job; retry after 1s");
    }
    if (tj.getStatus() != null
        && tj.getStatus().getPhase() != null
        && tj.getStatus().getPhase().isFinished()) {
      throw new Rejected(
          409, ReportResult.FINISHED, "the TrainingJob has finished; reports are closed");
    }
    ProgressReport report;
    try {
      report = ProgressReport.parse(new String(body, StandardCharsets.UTF_8));
    } catch (ProgressReport.InvalidReport e) {
      throw new Rejected(400, ReportResult.BAD_REQUEST, e.getMessage());
    }
    if (tracker.record(id, uid, report)) {
      Instant created = Times.parse(tj.getMetadata().getCreationTimestamp());
      if (created != null) {
        metrics.firstReport(Duration.between(created, clock.instant()));
      }
    }
  }

  /** Reads the body, or null if it is longer than {@code limit} (no Content-Length needed). */
  static byte[] readAtMost(InputStream in, int limit) throws IOException {
    byte[] bytes = in.readNBytes(limit + 1);
    return bytes.length > limit ? null : bytes;
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
