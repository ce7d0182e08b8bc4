package io.rollbackguard.signals;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollbackguard.cli.demo.ScriptedPrometheus;
import io.rollbackguard.verdict.BaselineSamples;
import io.rollbackguard.verdict.Signals;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The baselines of regression criteria: range queries grouped like the instant queries (DESIGN §1b). */
class BaselineQueriesTest {
  static final long GRID = 1_800_000_000_000L; // a whole second
  ScriptedPrometheus prometheus;
  PrometheusClient client;

  @BeforeEach
  void start() {
    prometheus = ScriptedPrometheus.start();
    client = new PrometheusClient(HttpClient.newHttpClient(), prometheus.url(), null, Duration.ofMillis(2_000));
  }

  @AfterEach
  void stop() {
    prometheus.close();
  }

  private BaselineQueries.Fetched fetch(MetricQueries q, List<PrometheusSignals.Target> targets) {
    return BaselineQueries.fetch(q, Signals.LATENCY_P95, 5_000, client, "shop", targets, 1_000,
        System.currentTimeMillis() + 5_000);
  }

  private static PrometheusSignals.Target rollout(String name, long startedAt) {
    return new PrometheusSignals.Target(name, "2", "h-" + name, startedAt);
  }

  @Test
  void rolloutsOfAGroupedQueryShareOneRangeQueryEachCutToItsOwnPointsBeforeItsStart() throws Exception {
    prometheus.set("cart", Signals.LATENCY_P95, 0.2);
    prometheus.set("checkout", Signals.LATENCY_P95, 0.1);
    BaselineQueries.Fetched got = fetch(PrometheusSignalsTest.defaults(Signals.LATENCY_P95),
        List.of(rollout("checkout", GRID + 10_400), rollout("cart", GRID)));
    assertThat(got.requests()).isEqualTo(1);
    assertThat(prometheus.rangeQueries()).singleElement().satisfies(r -> {
      assertThat(r.start()).as("the earliest rollout's 5 points end at its start").isEqualTo((GRID - 4_000) / 1000.0);
      assertThat(r.end()).as("the last grid instant at or before the latest start").isEqualTo((GRID + 10_000) / 1000.0);
      assertThat(r.step()).isEqualTo(1.0);
      assertThat(r.query()).contains("deployment=~\"cart|checkout\"").contains("[1m]");
    });
    assertThat(got.byTarget().get("checkout").values()).containsExactly(0.1, 0.1, 0.1, 0.1, 0.1);
    assertThat(got.byTarget().get("cart").values()).containsExactly(0.2, 0.2, 0.2, 0.2, 0.2);
  }

  @Test
  void aDeploymentWithoutSeriesOrAFailedQueryHasNoBaselineNeverAHealthyOne() throws Exception {
    prometheus.set("cart", Signals.LATENCY_P95, 0.2);
    MetricQueries q = PrometheusSignalsTest.defaults(Signals.LATENCY_P95);
    BaselineSamples none = fetch(q, List.of(rollout("checkout", GRID))).byTarget().get("checkout");
    assertThat(none.unavailable()).isEqualTo("no data before the rollout for deployment=\"checkout\"");

    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    client = new PrometheusClient(HttpClient.newHttpClient(), "http://127.0.0.1:" + port, null,
        Duration.ofMillis(2_000));
    BaselineSamples failed = fetch(q, List.of(rollout("cart", GRID))).byTarget().get("cart");
    assertThat(failed.unavailable()).startsWith("baseline range query: query failed: cannot connect");
    assertThat(failed.values()).isEmpty();
  }

  @Test
  void aDeploymentTemplateIsOneRangeQueryPerRollout() throws Exception {
    prometheus.set("cart", Signals.LATENCY_P95, 0.2);
    prometheus.set("checkout", Signals.LATENCY_P95, 0.1);
    MetricQueries q = new MetricQueries(Map.of(Signals.LATENCY_P95, QueryTemplate.parse(
        "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{deployment=\"{{deployment}}\"}"
            + "[{{window}}])))")), "1m", "deployment");
    BaselineQueries.Fetched got = fetch(q, List.of(rollout("checkout", GRID), rollout("cart", GRID)));
    assertThat(got.requests()).isEqualTo(2);
    assertThat(prometheus.rangeQueries()).extracting(ScriptedPrometheus.RangeQuery::query)
        .anySatisfy(x -> assertThat(x).contains("deployment=\"checkout\""))
        .anySatisfy(x -> assertThat(x).contains("deployment=\"cart\""));
  }
}
