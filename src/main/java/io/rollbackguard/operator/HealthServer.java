package io.rollbackguard.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * /metrics (Prometheus text), /healthz (nothing the operator expects to do is overdue), /readyz (informers synced and
 * healthy), on one port.
 */
final class HealthServer implements AutoCloseable {
  private final HttpServer server;

  HealthServer(int port, PrometheusMeterRegistry registry, BooleanSupplier ready,
      java.util.function.Supplier<java.util.Optional<String>> overdue) throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 16);
    server.createContext("/metrics", ex -> reply(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
        registry.scrape()));
    // Live while nothing it expects to do is overdue: a wedged sampler or reconcile loop gets the pod restarted.
    server.createContext("/healthz", ex -> {
      java.util.Optional<String> late = overdue.get();
      reply(ex, late.isEmpty() ? 200 : 503, "text/plain", late.isEmpty() ? "ok\n" : "overdue: " + late.get() + "\n");
    });
    server.createContext("/readyz", ex -> {
      boolean ok = ready.getAsBoolean();
      reply(ex, ok ? 200 : 503, "text/plain", ok ? "ok\n" : "informers not synced\n");
    });
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static void reply(HttpExchange ex, int code, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
