package dev.kiln.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The fabric8 CRD generator sorts {@code additionalPrinterColumns} by JSON path, which would make
 * {@code kubectl get tj} print AGE first and PHASE after ARTIFACT. The committed CRDs list them in
 * the order the Java type declares its {@link AdditionalPrinterColumn} annotations (Phase first,
 * Age last, as docs/status.md#printer-columns and kubectl's conventions have it). This moves the
 * generated YAML's column entries into that order and leaves every other line as the generator
 * wrote it.
 *
 * <p>Upstream: https://github.com/fabric8io/kubernetes-client/issues/7454 (and the earlier #3974)
 * asks the generator to keep the declared order; this class can go once it does.
 */
final class PrinterColumnOrder {
  private static final String BLOCK = "  - additionalPrinterColumns:";
  private static final String ITEM = "    - ";
  private static final String ITEM_LINE = "      ";

  private PrinterColumnOrder() {}

  static String declared(String generatedYaml, Class<?> type) {
    List<String> order =
        Arrays.stream(type.getAnnotationsByType(AdditionalPrinterColumn.class))
            .map(AdditionalPrinterColumn::name)
            .toList();
    List<String> lines = List.of(generatedYaml.split("\n", -1));
    int start = lines.indexOf(BLOCK);
    if (start < 0) {
      return generatedYaml;
    }
    List<List<String>> items = new ArrayList<>();
    int end = start + 1;
    while (end < lines.size()
        && (lines.get(end).startsWith(ITEM) || lines.get(end).startsWith(ITEM_LINE))) {
      if (lines.get(end).startsWith(ITEM)) {
        items.add(new ArrayList<>());
      }
      items.get(items.size() - 1).add(lines.get(end));
      end++;
    }
    items.sort(Comparator.comparingInt(item -> rank(order, item)));
    List<String> out = new ArrayList<>(lines.subList(0, start + 1));
    for (List<String> item : items) {
      // Each entry's first key carries the list dash; keep the generator's key order inside it.
      out.addAll(item);
    }
    out.addAll(lines.subList(end, lines.size()));
    return String.join("\n", out);
  }

  private static int rank(List<String> order, List<String> item) {
    for (String line : item) {
      String key = line.substring(ITEM_LINE.length()).replaceFirst("^- ", "");
      if (key.startsWith("name: ")) {
        int i = order.indexOf(key.substring("name: ".length()).replace("\"", ""));
        return i < 0 ? Integer.MAX_VALUE : i;
      }
    }
    return Integer.MAX_VALUE;
  }
}
