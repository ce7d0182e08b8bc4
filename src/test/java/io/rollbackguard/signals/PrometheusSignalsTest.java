package io.rollbackguard.signals;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollbackguard.cli.demo.ScriptedPrometheus;
import io.rollbackguard.cli.demo.ScriptedPrometheus.Answer;
import io.rollbackguard.verdict.MetricReading;
import io.rollbackguard.verdict.Signals;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PrometheusSignalsTest {
  static final long NOW = System.currentTimeMillis();
  ScriptedPrometheus prometheus;
  PrometheusClient client;

  @BeforeEach
  void start() {
    prometheus = ScriptedPrometheus.start();
    client = new PrometheusClient(HttpClient.newHttpClient(), prometheus.url(), null, Duration.ofMillis(500));
  }

  @AfterEach
  void stop() {
    prometheus.close();
  }

  static MetricQueries defaults(String... signals) throws Exception {
    Map<String, QueryTemplate> t = new HashMap<>();
    for (String s : signals) {
      t.put(s, QueryTemplate.parse(DefaultQueries.of(s, "deployment")));
    }
    return new MetricQueries(t, "1m", "deployment");
  }

  static List<PrometheusSignals.Target> targets(int n) {
    List<PrometheusSignals.Target> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new PrometheusSignals.Target("svc-" + i, "3", "abc" + i));
    }
    return out;
  }

  private Map<String, Map<String, MetricReading>> sample(MetricQueries q, List<PrometheusSignals.Target> targets) {
    return PrometheusSignals.sample(q, client, "shop", targets, NOW, 60_000);
  }

  @Test
  void aGroupedQueryIsSentOncePerSignalForFiftyDeploymentsAndSplitByLabel() throws Exception {
    List<PrometheusSignals.Target> fifty = targets(50);
    for (PrometheusSignals.Target t : fifty) {
      prometheus.set(t.name(), Signals.ERROR_RATE, 0.001 * t.name().length());
      prometheus.set(t.name(), Signals.LATENCY_P95, 0.2);
      prometheus.set(t.name(), Signals.REQUEST_RATE, 12.0);
    }
    Map<String, Map<String, MetricReading>> readings =
        sample(defaults(Signals.ERROR_RATE, Signals.LATENCY_P95, Signals.REQUEST_RATE), fifty);
    assertThat(prometheus.queries()).hasSize(3);
    assertThat(readings).hasSize(50);
    assertThat(readings.get("svc-7").get(Signals.ERROR_RATE).value()).isEqualTo(0.005);
    assertThat(readings.get("svc-42").get(Signals.ERROR_RATE).value()).isEqualTo(0.006);
    assertThat(readings.get("svc-42").get(Signals.REQUEST_RATE).value()).isEqualTo(12.0);
    // sent once with every name; the evidence of each target names that target alone, so status stays small
    assertThat(prometheus.queries().get(0)).contains("svc-0|svc-1|", "svc-49");
    assertThat(readings.get("svc-42").get(Signals.ERROR_RATE).query()).contains("deployment=~\"svc-42\"")
        .doesNotContain("svc-41");
  }

  @Test
  void burnWindowsOfRolloutsOfDifferentAgesGoInOneRequestEachCappedAtItsAge() throws Exception {
    QueryTemplate errorRate = QueryTemplate.parse(DefaultQueries.of(Signals.ERROR_RATE, "deployment"));
    MetricQueries q = new MetricQueries(Map.of("errorRate@1h", errorRate), "1m", "deployment",
        Map.of("errorRate@1h", 3_600_000L), 30_000);
    List<PrometheusSignals.Target> targets = List.of(
        new PrometheusSignals.Target("young", "3", "a", NOW - 615_000),     // 10m15s: cut to 10m
        new PrometheusSignals.Target("old", "3", "b", NOW - 7_200_000),     // 2h: the whole hour
        new PrometheusSignals.Target("older", "3", "c", NOW - 9_000_000));
    targets.forEach(t -> prometheus.set(t.name(), Signals.ERROR_RATE, 0.01));
    Map<String, MetricReading> r = PrometheusSignals.sampleSignal(q, "errorRate@1h", client, "shop", targets, NOW,
        60_000, Long.MAX_VALUE);
    assertThat(prometheus.queries()).hasSize(1);
    assertThat(prometheus.queries().get(0)).contains("[10m]", "[1h]", ") or (", "deployment=~\"old|older\"",
        "deployment=~\"young\"");
    assertThat(r.get("young").value()).isEqualTo(0.01);
    assertThat(r.get("older").value()).isEqualTo(0.01);
    // the evidence is the target's own query, over its own range
    assertThat(r.get("young").query()).contains("[10m]").doesNotContain("[1h]", " or (");
  }

  @Test
  void aBurnWindowIsNeverShorterThanRateWindowNorLongerThanItself() throws Exception {
    MetricQueries q = new MetricQueries(Map.of(), "1m", "deployment", Map.of("errorRate@5m", 300_000L), 30_000);
    assertThat(BurnRanges.range(q, "errorRate@5m", 10_000)).isEqualTo("1m");
    assertThat(BurnRanges.range(q, "errorRate@5m", 170_000)).isEqualTo("150s");
    assertThat(BurnRanges.range(q, "errorRate@5m", 3_600_000)).isEqualTo("5m");
    assertThat(BurnRanges.range(q, "errorRate@5m", Long.MAX_VALUE)).isEqualTo("5m");
    assertThat(BurnRanges.range(q, Signals.ERROR_RATE, 10_000)).isEqualTo("1m");
  }

  @Test
  void aDeploymentMissingFromTheGroupedResultHasNoData() throws Exception {
    prometheus.set("svc-0", Signals.ERROR_RATE, 0.0);
    MetricReading r = sample(defaults(Signals.ERROR_RATE), targets(2)).get("svc-1").get(Signals.ERROR_RATE);
    assertThat(r.isConclusive()).isFalse();
    assertThat(r.reason()).isEqualTo("no data: no series with deployment=\"svc-1\"");
  }

  @Test
  void aPerDeploymentQueryIsSentForEachDeployment() throws Exception {
    MetricQueries q = new MetricQueries(Map.of("probe", QueryTemplate.parse(
        "min(probe_success{job=\"{{deployment}}-e2e\",rev=\"{{revision}}\"})")), "1m", "deployment");
    prometheus.override(query -> new Answer(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
        + "\"result\":[{\"metric\":{},\"value\":[" + NOW / 1000.0 + ",\"" + (query.contains("svc-1-e2e") ? 0 : 1)
        + "\"]}]}}"));
    Map<String, Map<String, MetricReading>> r = sample(q, targets(3));
    assertThat(prometheus.queries()).hasSize(3).contains("min(probe_success{job=\"svc-1-e2e\",rev=\"3\"})");
    assertThat(r.get("svc-1").get("probe").value()).isZero();
    assertThat(r.get("svc-2").get("probe").value()).isEqualTo(1.0);
  }

  @Test
  void aPolicyWideQueryWithOneSeriesAppliesToEveryDeployment() throws Exception {
    MetricQueries q = new MetricQueries(Map.of("probe",
        QueryTemplate.parse("min(probe_success{job=\"checkout-e2e\"})")), "1m", "deployment");
    prometheus.override(query -> new Answer(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\","
        + "\"result\":[" + NOW / 1000.0 + ",\"1\"]}}"));
    Map<String, Map<String, MetricReading>> r = sample(q, targets(4));
    assertThat(prometheus.queries()).hasSize(1);
    assertThat(r.values()).allSatisfy(m -> assertThat(m.get("probe").value()).isEqualTo(1.0));
  }

  /** Every failure mode is inconclusive for every target, with its reason; never a value. */
  private MetricReading failed(ScriptedPrometheus.Answer answer) throws Exception {
    prometheus.override(q -> answer);
    return sample(defaults(Signals.ERROR_RATE), targets(2)).get("svc-1").get(Signals.ERROR_RATE);
  }

  @Test
  void prometheusDownIsInconclusive() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    client = new PrometheusClient(HttpClient.newHttpClient(), "http://127.0.0.1:" + closed, null,
        Duration.ofSeconds(1));
    MetricReading r = sample(defaults(Signals.ERROR_RATE), targets(1)).get("svc-0").get(Signals.ERROR_RATE);
    assertThat(r.isConclusive()).isFalse();
    assertThat(r.reason()).isEqualTo("query failed: cannot connect to 127.0.0.1:" + closed);
  }

  @Test
  void aTimeoutIsInconclusive() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    prometheus.override(q -> {
      try {
        never.await(2, TimeUnit.SECONDS); // a Prometheus slower than the client's 500 ms timeout
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new Answer(200, "{}");
    });
    MetricReading r = sample(defaults(Signals.ERROR_RATE), targets(1)).get("svc-0").get(Signals.ERROR_RATE);
    assertThat(r.reason()).isEqualTo("query failed: timed out after 500ms");
  }

  @Test
  void clientAndServerErrorsAreInconclusive() throws Exception {
    assertThat(failed(new Answer(400, "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error\"}"))
        .reason()).isEqualTo("Prometheus answered HTTP 400: bad_data: parse error");
    assertThat(failed(new Answer(503, "Service Unavailable")).reason()).isEqualTo("malformed response (HTTP 503)");
    assertThat(failed(new Answer(401, "")).reason()).isEqualTo("malformed response (HTTP 401)");
  }

  @Test
  void malformedJsonAndAnErrorStatusAreInconclusive() throws Exception {
    assertThat(failed(new Answer(200, "{\"status\":\"success\",\"data\":")).reason())
        .isEqualTo("malformed response (HTTP 200)");
    assertThat(failed(new Answer(200, "{\"status\":\"error\",\"errorType\":\"timeout\",\"error\":\"query timed out\"}"))
        .reason()).isEqualTo("Prometheus answered HTTP 200: timeout: query timed out");
  }

  @Test
  void anEmptyVectorIsNoData() throws Exception {
    assertThat(failed(new Answer(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}"))
        .reason()).isEqualTo("no data: empty result");
  }

  @Test
  void nanAndInfinityAreNotConclusive() throws Exception {
    prometheus.set("svc-0", Signals.ERROR_RATE, Double.NaN);
    prometheus.set("svc-1", Signals.ERROR_RATE, Double.POSITIVE_INFINITY);
    Map<String, Map<String, MetricReading>> r = sample(defaults(Signals.ERROR_RATE), targets(2));
    assertThat(r.get("svc-0").get(Signals.ERROR_RATE).reason()).isEqualTo("value is NaN");
    assertThat(r.get("svc-1").get(Signals.ERROR_RATE).reason()).isEqualTo("value is infinite");
  }

  @Test
  void aSampleOlderThanTwoIntervalsIsStale() throws Exception {
    MetricReading r = failed(new Answer(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
        + "[{\"metric\":{\"deployment\":\"svc-1\"},\"value\":[" + (NOW - 90_000) / 1000.0 + ",\"0.5\"]}]}}"));
    assertThat(r.isConclusive()).isFalse();
    assertThat(r.reason()).isEqualTo("stale: the latest sample is 90s old");
  }

  @Test
  void theBearerTokenIsSentToItsOwnUrlOnly() throws Exception {
    List<String> auth = new ArrayList<>();
    var server = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    try {
      server.createContext("/api/v1/query", ex -> {
        auth.add(ex.getRequestHeaders().getFirst("Authorization"));
        byte[] b = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}".getBytes();
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
        ex.close();
      });
      server.start();
      PrometheusClient withToken = new PrometheusClient(HttpClient.newHttpClient(),
          "http://127.0.0.1:" + server.getAddress().getPort() + "/", "s3cret", Duration.ofSeconds(2));
      PrometheusResponse r = withToken.query("up", NOW);
      assertThat(r.ok()).isTrue();
      assertThat(auth).containsExactly("Bearer s3cret");
      sample(defaults(Signals.ERROR_RATE), targets(1)); // the other Prometheus, without a token
      assertThat(auth).hasSize(1);
    } finally {
      server.stop(0);
    }
  }
}
