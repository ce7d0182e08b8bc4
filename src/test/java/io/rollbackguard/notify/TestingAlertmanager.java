package io.rollbackguard.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Alertmanager's v2 alerts endpoint as a stub: records every alert posted; answers 503 while {@link #down}. */
final class TestingAlertmanager implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  final List<JsonNode> alerts = new CopyOnWriteArrayList<>();
  final List<String> authorizations = new CopyOnWriteArrayList<>();
  volatile boolean down;
  volatile int posts;
  private final HttpServer server;

  TestingAlertmanager() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/api/v2/alerts", exchange -> {
      posts++;
      byte[] body = exchange.getRequestBody().readAllBytes();
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      if (down) {
        exchange.sendResponseHeaders(503, -1);
      } else {
        JSON.readTree(body).forEach(alerts::add);
        if (auth != null) {
          authorizations.add(auth);
        }
        exchange.sendResponseHeaders(200, -1);
      }
      exchange.close();
    });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The alerts posted with this label value, oldest first. */
  List<JsonNode> with(String label, String value) {
    return alerts.stream().filter(a -> value.equals(a.path("labels").path(label).asText(null))).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
