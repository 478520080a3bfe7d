package dev.kiln.charts;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Renders the charts with real Helm and reads what they produce. */
final class Charts {
  static final Path OPERATOR = Path.of("kiln-operator");
  static final Path TRAINING = Path.of("kiln-training");
  private static final ObjectMapper YAML = new YAMLMapper();

  private Charts() {}

  /** helm template with a values file (may be null) and --set pairs. */
  static List<Map<String, Object>> render(Path chart, Path valuesFile, Map<String, Object> set) {
    return documents(template(chart, valuesFile, set));
  }

  /** The manifests helm template prints, as text. */
  static String template(Path chart, Path valuesFile, Map<String, Object> set) {
    TemplateCommand template =
        new Helm(chart)
            .template()
            .withName("kiln")
            .withNamespace("kiln-system")
            .withKubeVersion("1.31.0");
    if (valuesFile != null) {
      template.withValuesFile(valuesFile);
    }
    set.forEach(template::set);
    return template.call();
  }

  static List<Map<String, Object>> documents(String yaml) {
    List<Map<String, Object>> docs = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(yaml)) {
      var it = YAML.readValues(parser, Object.class);
      while (it.hasNext()) {
        if (it.next() instanceof Map<?, ?> doc && !doc.isEmpty()) {
          docs.add(map(doc));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return docs;
  }

  static List<Map<String, Object>> ofKind(List<Map<String, Object>> docs, String kind) {
    return docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
  }

  static List<Path> ciValues(Path chart) {
    try (Stream<Path> files = Files.list(chart.resolve("ci"))) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A copy of the chart whose values.yaml is the defaults with {@code overrides} merged in: how a
   * values file is linted, since helm-java's lint takes no values file.
   */
  static Path withValues(Path chart, Path overrides, Path tmp) throws IOException {
    Path copy = tmp.resolve(chart.getFileName() + "-" + overrides.getFileName());
    try (Stream<Path> all = Files.walk(chart)) {
      for (Path src : all.toList()) {
        Path dest = copy.resolve(chart.relativize(src).toString());
        if (Files.isDirectory(src)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(src, dest);
        }
      }
    }
    Map<String, Object> merged = read(chart.resolve("values.yaml"));
    deepMerge(merged, read(overrides));
    Files.writeString(copy.resolve("values.yaml"), YAML.writeValueAsString(merged));
    return copy;
  }

  @SuppressWarnings("unchecked")
  private static void deepMerge(Map<String, Object> into, Map<String, Object> from) {
    from.forEach(
        (k, v) -> {
          if (v instanceof Map<?, ?> m && into.get(k) instanceof Map<?, ?> existing) {
            deepMerge((Map<String, Object>) existing, (Map<String, Object>) m);
          } else {
            into.put(k, v);
          }
        });
  }

  static Map<String, Object> read(Path yaml) throws IOException {
    Map<String, Object> map =
        YAML.readValue(yaml.toFile(), new TypeReference<LinkedHashMap<String, Object>>() {});
    return map == null ? new LinkedHashMap<>() : map;
  }

  static String json(Object o) {
    try {
      return JsonMapper.builder().build().writeValueAsString(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return o == null ? Map.of() : (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static Object at(Object node, String... path) {
    Object current = node;
    for (String p : path) {
      if (!(current instanceof Map<?, ?> m)) {
        return null;
      }
      current = ((Map<String, Object>) m).get(p);
    }
    return current;
  }
}
