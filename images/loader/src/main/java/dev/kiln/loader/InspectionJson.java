package dev.kiln.loader;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.kiln.loader.Inspection.Result;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code inspect} leaves in its termination log, where the operator reads it: one JSON object
 * that fits what Kubernetes keeps of a termination message.
 */
final class InspectionJson {
  /** Kubernetes keeps at most 4 KiB of a termination message. */
  static final int MAX_RESULT_BYTES = 4096;

  private static final int MAX_WARNINGS = 8;
  private static final int MAX_WARNING_CHARS = 300;
  private static final JsonFactory JSON = new JsonFactory();

  private InspectionJson() {}

  /**
   * The result as one JSON object of at most {@link #MAX_RESULT_BYTES}: metrics that do not fit are
   * left out (and a warning says so), then warnings.
   */
  static String of(Result r) {
    List<String> warnings = new ArrayList<>();
    r.warnings().stream().limit(MAX_WARNINGS).map(InspectionJson::bound).forEach(warnings::add);
    if (r.warnings().size() > MAX_WARNINGS) {
      warnings.add((r.warnings().size() - MAX_WARNINGS) + " more warning(s) left out");
    }
    int keep = r.metrics().size();
    List<String> shown = warnings;
    while (true) {
      String json = render(r, keep, shown);
      if (json.getBytes(StandardCharsets.UTF_8).length <= MAX_RESULT_BYTES
          || (keep == 0 && shown.isEmpty())) {
        return json;
      }
      if (keep > 0) {
        keep--;
        shown = new ArrayList<>(warnings);
        shown.add(
            (r.metrics().size() - keep)
                + " metric(s) left out to fit Kubernetes' 4 KiB termination message");
      } else {
        shown = shown.subList(0, shown.size() - 1);
      }
    }
  }

  /** {"error": "..."}: what a failed inspection leaves as its termination message. */
  static String errorJson(String message) {
    return write(
        g -> {
          g.writeStartObject();
          g.writeStringField("error", bound(Messages.firstLine(message)));
          g.writeEndObject();
        });
  }

  /** One line for the log. */
  static String summary(Result r) {
    return "inspected "
        + r.path()
        + " ("
        + (r.format() == null ? "unknown format" : r.format())
        + ", "
        + r.sizeBytes()
        + " bytes, sha256 "
        + r.sha256()
        + "), "
        + r.metrics().size()
        + " metric(s), "
        + r.warnings().size()
        + " warning(s)";
  }

  private static String render(Result r, int metrics, List<String> warnings) {
    return write(
        g -> {
          g.writeStartObject();
          g.writeObjectFieldStart("artifact");
          g.writeStringField("path", r.path());
          g.writeStringField("sha256", r.sha256());
          g.writeNumberField("sizeBytes", r.sizeBytes());
          if (r.format() != null) {
            g.writeStringField("format", r.format());
          }
          g.writeEndObject();
          g.writeObjectFieldStart("metrics");
          for (var e : r.metrics().entrySet().stream().limit(metrics).toList()) {
            g.writeNumberField(e.getKey(), e.getValue());
          }
          g.writeEndObject();
          g.writeArrayFieldStart("warnings");
          for (String w : warnings) {
            g.writeString(w);
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private static String write(Body body) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }

  private static String bound(String s) {
    return s.length() <= MAX_WARNING_CHARS ? s : s.substring(0, MAX_WARNING_CHARS - 1) + "…";
  }
}
