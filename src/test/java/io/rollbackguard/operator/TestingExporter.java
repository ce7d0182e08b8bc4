package io.rollbackguard.operator;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * An application's /metrics as Prometheus scrapes it: {@code http_requests_total{namespace,deployment,status}} and a
 * latency histogram, fed with 100 requests a second of which {@link #errorFraction} fail with a 500. Latencies: 10%
 * of the requests take between 0.1s and 0.5s (a p95 of 0.3s), {@link #slowFraction} of them between 0.5s and 2.5s,
 * the rest at most 0.1s.
 */
final class TestingExporter implements AutoCloseable {
  private final HttpServer server;
  private final ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "testing-exporter-traffic");
    t.setDaemon(true);
    return t;
  });
  private final String namespace;
  private final String deployment;
  private long ok;
  private long failed;
  private double carry;
  private long fast;
  private long medium;
  private long slow;
  private double slowCarry;
  private double mediumCarry;
  volatile double errorFraction;
  volatile double slowFraction;

  TestingExporter(String namespace, String deployment) throws IOException {
    this.namespace = namespace;
    this.deployment = deployment;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/metrics", ex -> {
      byte[] body = exposition().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    traffic.scheduleAtFixedRate(this::serveTenRequests, 0, 100, TimeUnit.MILLISECONDS);
  }

  int port() {
    return server.getAddress().getPort();
  }

  private synchronized void serveTenRequests() {
    carry += 10 * errorFraction;
    long errors = (long) carry;
    carry -= errors;
    failed += errors;
    ok += 10 - errors;
    mediumCarry += 1;
    slowCarry += 10 * slowFraction;
    long m = (long) mediumCarry;
    long sl = Math.min(10 - m, (long) slowCarry);
    mediumCarry -= m;
    slowCarry -= sl;
    medium += m;
    slow += sl;
    fast += 10 - m - sl;
  }

  private synchronized String exposition() {
    String l = "namespace=\"" + namespace + "\",deployment=\"" + deployment + "\"";
    long total = ok + failed;
    return "# TYPE http_requests_total counter\n"
        + "http_requests_total{" + l + ",status=\"200\"} " + ok + "\n"
        + (failed > 0 ? "http_requests_total{" + l + ",status=\"500\"} " + failed + "\n" : "")
        + "# TYPE http_request_duration_seconds histogram\n"
        + "http_request_duration_seconds_bucket{" + l + ",le=\"0.1\"} " + fast + "\n"
        + "http_request_duration_seconds_bucket{" + l + ",le=\"0.5\"} " + (fast + medium) + "\n"
        + "http_request_duration_seconds_bucket{" + l + ",le=\"2.5\"} " + total + "\n"
        + "http_request_duration_seconds_bucket{" + l + ",le=\"+Inf\"} " + total + "\n"
        + "http_request_duration_seconds_sum{" + l + "} " + total * 0.08 + "\n"
        + "http_request_duration_seconds_count{" + l + "} " + total + "\n";
  }

  @Override
  public void close() {
    traffic.shutdownNow();
    server.stop(0);
  }
}
