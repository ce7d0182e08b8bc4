package io.rollbackguard.cli.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.rollbackguard.verdict.Signals;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A loopback endpoint that speaks Prometheus's instant-query API with scripted values: for the demo, and as the
 * TestingPrometheus of the tests (it records every query and can answer with any status and body).
 *
 * <p>The default grouped queries are recognised by what they read: {@code histogram_quantile} is latencyP95, a
 * {@code status=~"5.."} matcher is errorRate, other {@code http_requests_total} queries are requestRate. The answer
 * has one series per scripted Deployment, labelled {@code deployment}.
 */
public final class ScriptedPrometheus implements AutoCloseable {
  /** A canned answer. */
  public record Answer(int status, String body) {}

  /** Sends 200 and its headers, a first byte of the body, then nothing more until the server closes: a stall. */
  public static final Answer STALL_AFTER_HEADERS = new Answer(200, "{");

  private final HttpServer server;
  private final Map<String, Map<String, Double>> values = new ConcurrentHashMap<>();
  private final List<String> queries = new CopyOnWriteArrayList<>();
  private final List<String> times = new CopyOnWriteArrayList<>();
  private final Map<String, Map<String, Double>> before = new ConcurrentHashMap<>();
  private final List<RangeQuery> rangeQueries = new CopyOnWriteArrayList<>();
  private volatile Function<String, Answer> override;
  private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);

  private ScriptedPrometheus() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/api/v1/query", this::answer);
    server.createContext("/api/v1/query_range", this::answerRange);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "scripted-prometheus");
      t.setDaemon(true);
      return t;
    }));
    server.start();
  }

  public static ScriptedPrometheus start() {
    try {
      return new ScriptedPrometheus();
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen on loopback", e);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Sets what {@code signal} reads for {@code deployment} from now on; null removes the series. */
  public void set(String deployment, String signal, Double value) {
    Map<String, Double> byDeployment = values.computeIfAbsent(deployment, d -> new ConcurrentHashMap<>());
    if (value == null) {
      byDeployment.remove(signal);
    } else {
      byDeployment.put(signal, value);
    }
  }

  /** A range query received: its PromQL and its start, end and step (epoch seconds). */
  public record RangeQuery(String query, double start, double end, double step) {}

  /**
   * Sets what {@code signal} read for {@code deployment} before now: the value of every point of a range query (the
   * baseline of a regression); without it a range query reads the current value.
   */
  public void setBefore(String deployment, String signal, Double value) {
    before.computeIfAbsent(deployment, d -> new ConcurrentHashMap<>()).put(signal, value);
  }

  /** The range queries received, in order. */
  public List<RangeQuery> rangeQueries() {
    return new ArrayList<>(rangeQueries);
  }

  /** Answers every query with {@code answer(query)} instead; null goes back to the scripted values. */
  public void override(Function<String, Answer> answer) {
    this.override = answer;
  }

  /** The queries received, in order. */
  public List<String> queries() {
    return new ArrayList<>(queries);
  }

  /** The {@code time=} of every query received, in order (epoch seconds as sent; null when absent). */
  public List<String> times() {
    return new ArrayList<>(times);
  }

  private void answer(HttpExchange ex) throws IOException {
    String form = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    if (ex.getRequestURI().getRawQuery() != null) {
      form = form.isEmpty() ? ex.getRequestURI().getRawQuery() : form + "&" + ex.getRequestURI().getRawQuery();
    }
    String query = param(form, "query");
    String time = param(form, "time");
    queries.add(query);
    times.add(time == null ? "" : time);
    Function<String, Answer> o = override;
    Answer a = o != null ? o.apply(query) : new Answer(200, vector(signalOf(query), time));
    if (a == null) {
      return; // the override chose not to answer: the client times out
    }
    if (a == STALL_AFTER_HEADERS) {
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(200, 0);
      OutputStream out = ex.getResponseBody();
      out.write('{');
      out.flush();
      try {
        closed.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return;
    }
    byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(a.status(), body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  /** A matrix: per scripted Deployment one series, its value at every step from start to end. */
  private void answerRange(HttpExchange ex) throws IOException {
    String form = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String query = param(form, "query");
    double start = Double.parseDouble(param(form, "start"));
    double end = Double.parseDouble(param(form, "end"));
    double step = Double.parseDouble(param(form, "step"));
    rangeQueries.add(new RangeQuery(query, start, end, step));
    String signal = signalOf(query);
    StringBuilder sb = new StringBuilder("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[");
    boolean first = true;
    for (Map.Entry<String, Map<String, Double>> e : values.entrySet()) {
      Double v = before.getOrDefault(e.getKey(), Map.of()).getOrDefault(signal, e.getValue().get(signal));
      if (v == null) {
        continue;
      }
      sb.append(first ? "" : ",").append("{\"metric\":{\"deployment\":\"").append(e.getKey())
          .append("\"},\"values\":[");
      for (long i = 0; start + i * step <= end + 1e-9; i++) {
        sb.append(i == 0 ? "" : ",").append('[').append(String.format(Locale.ROOT, "%.3f", start + i * step))
            .append(",\"").append(number(v)).append("\"]");
      }
      sb.append("]}");
      first = false;
    }
    byte[] body = sb.append("]}}").toString().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(200, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  private String vector(String signal, String time) {
    StringBuilder sb = new StringBuilder("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[");
    String at = time == null ? String.format(Locale.ROOT, "%.3f", System.currentTimeMillis() / 1000.0) : time;
    boolean first = true;
    for (Map.Entry<String, Map<String, Double>> e : values.entrySet()) {
      Double v = e.getValue().get(signal);
      if (v == null) {
        continue;
      }
      sb.append(first ? "" : ",").append("{\"metric\":{\"deployment\":\"").append(e.getKey())
          .append("\"},\"value\":[").append(at).append(",\"").append(number(v)).append("\"]}");
      first = false;
    }
    return sb.append("]}}").toString();
  }

  private static String number(double v) {
    return Double.isNaN(v) ? "NaN" : Double.isInfinite(v) ? (v > 0 ? "+Inf" : "-Inf") : Double.toString(v);
  }

  static String signalOf(String query) {
    if (query == null) {
      return "";
    }
    if (query.contains("histogram_quantile")) {
      return Signals.LATENCY_P95;
    }
    if (query.contains("status=~\"5..\"")) {
      return Signals.ERROR_RATE;
    }
    return query.contains("http_requests_total") ? Signals.REQUEST_RATE : query;
  }

  private static String param(String form, String name) {
    for (String pair : form.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
  }
}
