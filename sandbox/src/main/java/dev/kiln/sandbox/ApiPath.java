package dev.kiln.sandbox;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A request URI of the Kubernetes API read the way the API server reads it: {@code
 * /api/v1[/namespaces/<ns>]/<resource>[/<name>[/<subresource>]]} or {@code
 * /apis/<group>/<version>[/namespaces/<ns>]/<resource>[/<name>[/<subresource>]]}, and its query.
 * {@code /api/v1/namespaces/<name>} (and its {@code status} and {@code finalize}) is the namespace
 * itself.
 *
 * @param group the API group, "" for the core group
 * @param version e.g. v1
 * @param namespace the namespace of a namespaced request, or null
 * @param resource the plural, e.g. pods
 * @param name the object's name, or null for the collection
 * @param subresource e.g. status or log, or null
 * @param query the query parameters, decoded (the last value of a repeated one)
 */
record ApiPath(
    String group,
    String version,
    String namespace,
    String resource,
    String name,
    String subresource,
    Map<String, String> query) {

  /** Reads a request URI; empty when it is not a resource path of the Kubernetes API. */
  static Optional<ApiPath> parse(String uri) {
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    Map<String, String> query = query(q < 0 ? null : uri.substring(q + 1));
    List<String> s = List.of(path.replaceFirst("^/+", "").split("/", -1));
    String group;
    int at;
    if (s.size() >= 3 && s.get(0).equals("api")) {
      group = "";
      at = 1;
    } else if (s.size() >= 4 && s.get(0).equals("apis")) {
      group = s.get(1);
      at = 2;
    } else {
      return Optional.empty();
    }
    String version = s.get(at);
    List<String> rest = s.subList(at + 1, s.size());
    if (rest.stream().anyMatch(String::isEmpty) || rest.isEmpty() || rest.size() > 5) {
      return Optional.empty();
    }
    String namespace = null;
    if (rest.get(0).equals("namespaces")
        && rest.size() >= 3
        && !(rest.size() == 3
            && (rest.get(2).equals("status") || rest.get(2).equals("finalize")))) {
      namespace = rest.get(1);
      rest = rest.subList(2, rest.size());
    }
    if (rest.size() > 3) {
      return Optional.empty();
    }
    return Optional.of(
        new ApiPath(
            group,
            version,
            namespace,
            rest.get(0),
            rest.size() > 1 ? rest.get(1) : null,
            rest.size() > 2 ? rest.get(2) : null,
            query));
  }

  /** {@code v1} for the core group, else {@code <group>/<version>}. */
  String groupVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** The key the sandbox's tables and selectors use: {@code <group>/<version>/<resource>}. */
  String key() {
    return group + "/" + version + "/" + resource;
  }

  boolean isCollection() {
    return name == null;
  }

  boolean isWatch() {
    String watch = query.get("watch");
    return "true".equals(watch) || "1".equals(watch);
  }

  /** The same URI without the query parameter {@code name}. */
  static String without(String uri, String name) {
    int q = uri.indexOf('?');
    if (q < 0) {
      return uri;
    }
    List<String> kept = new ArrayList<>();
    for (String pair : uri.substring(q + 1).split("&", -1)) {
      String key = URLDecoder.decode(pair.split("=", 2)[0], StandardCharsets.UTF_8);
      if (!key.equals(name) && !pair.isEmpty()) {
        kept.add(pair);
      }
    }
    return uri.substring(0, q) + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
  }

  private static Map<String, String> query(String query) {
    Map<String, String> out = new LinkedHashMap<>();
    if (query != null && !query.isEmpty()) {
      for (String pair : query.split("&", -1)) {
        String[] kv = pair.split("=", 2);
        out.put(
            URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
            kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
      }
    }
    return Collections.unmodifiableMap(out);
  }
}
