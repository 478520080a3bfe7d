package dev.kiln.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A stand-in for the operator's report endpoint on loopback: records each body and its token. */
final class ReportServer implements AutoCloseable {
  final List<JsonNode> reports = new CopyOnWriteArrayList<>();
  final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final HttpServer server;

  ReportServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            authorizations.add(
                String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            reports.add(Images.JSON.readTree(in.readAllBytes()));
          }
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/report";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
