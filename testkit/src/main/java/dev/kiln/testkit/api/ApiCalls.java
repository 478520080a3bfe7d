package dev.kiln.testkit.api;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * Records the (verb, resource) pairs the operator uses across the whole integration suite, in RBAC
 * terms ("create batch/jobs", "update kiln.dev/trainingjobs/status"), and writes them to
 * target/kiln-api-calls.txt when the test JVM exits. The chart tests compare them with the operator
 * chart's RBAC rules: every call covered, no rule unused.
 */
public final class ApiCalls implements Interceptor {
  public static final ApiCalls SUITE = new ApiCalls();
  public static final Path FILE = Path.of("target/kiln-api-calls.txt");

  private final Set<String> calls = new ConcurrentSkipListSet<>();

  private ApiCalls() {
    Runtime.getRuntime().addShutdownHook(new Thread(this::write, "kiln-api-calls"));
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    String call = toRbac(request.method(), request.uri());
    if (call != null) {
      calls.add(call);
    }
  }

  /** "GET /apis/batch/v1/namespaces/ns/jobs?watch=true" → "watch batch/jobs"; core group is "". */
  public static String toRbac(String method, URI uri) {
    String[] p = uri.getPath().replaceAll("^/+", "").split("/", -1);
    int i;
    String group;
    if (p.length >= 2 && p[0].equals("api")) {
      group = "";
      i = 2;
    } else if (p.length >= 3 && p[0].equals("apis")) {
      group = p[1];
      i = 3;
    } else {
      return null;
    }
    if (i < p.length && p[i].equals("namespaces") && i + 2 < p.length) {
      i += 2; // namespaced resource
    } else if (i < p.length && p[i].equals("namespaces")) {
      // the namespaces resource itself
    }
    if (i >= p.length) {
      return null;
    }
    String resource = p[i];
    boolean named = i + 1 < p.length;
    if (i + 2 < p.length) {
      resource += "/" + p[i + 2];
    }
    String query = uri.getQuery() == null ? "" : uri.getQuery();
    String verb =
        switch (method) {
          case "GET" -> query.contains("watch=true") ? "watch" : named ? "get" : "list";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> named ? "delete" : "deletecollection";
          default -> method.toLowerCase(Locale.ROOT);
        };
    return verb + " " + group + "/" + resource;
  }

  private void write() {
    try {
      Files.createDirectories(FILE.toAbsolutePath().getParent());
      Files.write(FILE, new TreeSet<>(calls));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
