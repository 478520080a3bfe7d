package dev.kiln.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A stand-in for the operator's report endpoint: checks the bearer token, records bodies. */
final class ReportRecorder implements AutoCloseable {
  private final HttpServer server;
  final List<JsonNode> reports = new CopyOnWriteArrayList<>();
  final List<String> rejected = new CopyOnWriteArrayList<>();

  ReportRecorder(String token, int status) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/report",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          String auth = exchange.getRequestHeaders().getFirst("Authorization");
          int code;
          if (!("Bearer " + token).equals(auth)) {
            rejected.add(String.valueOf(auth));
            code = 401;
          } else {
            reports.add(new ObjectMapper().readTree(body));
            code = status;
          }
          exchange.sendResponseHeaders(code, -1);
          exchange.close();
        });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/report";
  }

  List<Integer> epochs() {
    return reports.stream().map(r -> r.get("epoch").asInt()).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
