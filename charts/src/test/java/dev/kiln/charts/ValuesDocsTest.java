package dev.kiln.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every value is described in values.schema.json, and each chart's README carries a values table
 * generated from the schema and the defaults (helm-docs style): a stale table fails with the
 * command that regenerates it.
 */
class ValuesDocsTest {
  static final String REGENERATE =
      "./mvnw -B -pl charts -am test -Dtest=ValuesDocsTest"
          + " -Dsurefire.failIfNoSpecifiedTests=false -Dkiln.charts.update=true";
  static final String BEGIN =
      "<!-- values table: generated from values.schema.json by ValuesDocsTest; do not edit -->";
  static final String END = "<!-- end of values table -->";
  private static final ObjectMapper JSON = new JsonMapper();

  /** One value: its path, type, default and description. */
  record Row(String key, String type, String defaultValue, String description) {}

  static Stream<Path> charts() {
    return Stream.of(Charts.OPERATOR, Charts.TRAINING);
  }

  @ParameterizedTest
  @MethodSource("charts")
  void everyValueIsDescribed(Path chart) throws IOException {
    List<String> undescribed =
        rows(chart).stream().filter(r -> r.description().isBlank()).map(Row::key).toList();
    assertThat(undescribed)
        .as("values of %s without a description in values.schema.json", chart)
        .isEmpty();
    assertThat(rows(chart)).hasSizeGreaterThan(20);
  }

  @ParameterizedTest
  @MethodSource("charts")
  void readmeValuesTableIsGeneratedFromTheSchema(Path chart) throws IOException {
    Path readme = chart.resolve("README.md");
    String current = Files.readString(readme);
    String wanted = withTable(current, table(rows(chart)));
    if (Boolean.getBoolean("kiln.charts.update")) {
      Files.writeString(readme, wanted);
      current = wanted;
    }
    assertThat(current)
        .as(
            "charts/%s's values table is out of date with values.schema.json and values.yaml;"
                + " regenerate it with: %s",
            readme, REGENERATE)
        .isEqualTo(wanted);
  }

  static List<Row> rows(Path chart) throws IOException {
    JsonNode schema = JSON.readTree(chart.resolve("values.schema.json").toFile());
    Map<String, Object> defaults = Charts.read(chart.resolve("values.yaml"));
    List<Row> rows = new ArrayList<>();
    walk(schema, schema, "", defaults, rows);
    return rows;
  }

  private static void walk(
      JsonNode root, JsonNode node, String prefix, Object defaults, List<Row> rows) {
    for (Map.Entry<String, JsonNode> field : node.path("properties").properties()) {
      String key = prefix + field.getKey();
      JsonNode own = field.getValue();
      JsonNode resolved = resolve(root, own);
      Object value = defaults instanceof Map<?, ?> m ? m.get(field.getKey()) : null;
      boolean set = defaults instanceof Map<?, ?> m && m.containsKey(field.getKey());
      if (resolved.has("properties")) {
        walk(root, resolved, key + ".", value, rows);
      } else if (resolved.path("items").has("properties")) {
        rows.add(row(key, own, resolved, value, set));
        walk(root, resolved.path("items"), key + "[].", null, rows);
      } else {
        rows.add(row(key, own, resolved, value, set));
      }
    }
  }

  private static Row row(String key, JsonNode own, JsonNode resolved, Object value, boolean set) {
    String description = own.path("description").asText(resolved.path("description").asText(""));
    String defaultValue = set ? "`" + Charts.json(value) + "`" : "";
    return new Row(key, type(resolved), defaultValue, description);
  }

  /** A $ref or allOf of one $ref, merged with the property's own keywords. */
  private static JsonNode resolve(JsonNode root, JsonNode node) {
    JsonNode ref = node.has("$ref") ? node : node.path("allOf").path(0);
    if (!ref.has("$ref")) {
      return node;
    }
    String name = ref.get("$ref").asText().replace("#/definitions/", "");
    return root.path("definitions").path(name);
  }

  private static String type(JsonNode schema) {
    if (schema.has("enum")) {
      List<String> values = new ArrayList<>();
      schema.get("enum").forEach(v -> values.add("`" + v.asText() + "`"));
      return String.join(", ", values);
    }
    if (schema.has("anyOf")) {
      return "string";
    }
    JsonNode type = schema.path("type");
    if (type.isArray()) {
      List<String> types = new ArrayList<>();
      type.forEach(t -> types.add(t.asText()));
      return String.join(" or ", types);
    }
    return type.asText("any");
  }

  static String table(List<Row> rows) {
    StringBuilder out = new StringBuilder(BEGIN).append("\n\n");
    out.append("| Key | Type | Default | Description |\n|---|---|---|---|\n");
    for (Row r : rows) {
      out.append("| `")
          .append(r.key())
          .append("` | ")
          .append(cell(r.type()))
          .append(" | ")
          .append(cell(r.defaultValue()))
          .append(" | ")
          .append(cell(r.description()))
          .append(" |\n");
    }
    return out.append('\n').append(END).toString();
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }

  /** The README with its table replaced, or appended under "## Values" the first time. */
  static String withTable(String readme, String table) {
    int begin = readme.indexOf(BEGIN);
    int end = readme.indexOf(END);
    if (begin < 0 || end < begin) {
      return readme.stripTrailing() + "\n\n## Values\n\n" + table + "\n";
    }
    return readme.substring(0, begin) + table + readme.substring(end + END.length());
  }
}
