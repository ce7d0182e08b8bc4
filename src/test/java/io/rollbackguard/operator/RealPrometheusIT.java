package io.rollbackguard.operator;

import static io.rollbackguard.operator.OperatorHarness.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.Condition;
import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.cli.demo.SimulatedCluster.Pods;
import io.rollbackguard.verdict.Signals;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator against a real Prometheus (Debian's package) scraping a real exporter every second. .ci/run installs
 * the package, so in CI this always runs; elsewhere it is skipped, saying why, when the binary is absent.
 */
class RealPrometheusIT {
  static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");

  @TempDir Path dir;
  TestingExporter exporter;
  Process prometheus;
  String prometheusUrl;
  OperatorHarness h;

  @BeforeEach
  void start() throws Exception {
    assumeTrue(Files.isExecutable(PROMETHEUS),
        "SKIPPED: " + PROMETHEUS + " is absent; install it with: apt-get install -y prometheus");
    exporter = new TestingExporter(NS, "checkout");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Files.writeString(dir.resolve("prometheus.yml"), "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
        + "scrape_configs:\n  - job_name: app\n    honor_labels: true\n    static_configs:\n"
        + "      - targets: ['127.0.0.1:" + exporter.port() + "']\n");
    prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
        "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
        .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    prometheusUrl = "http://127.0.0.1:" + port;
    HttpClient http = HttpClient.newHttpClient();
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> http.send(
        HttpRequest.newBuilder(URI.create(prometheusUrl + "/-/ready")).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    // counters written at every sample: the tests watch the window progress
    h = new OperatorHarness().startOperator(new OperatorSettings(java.util.Set.of(), null, null, 0)
        .withCounterWriteMillis(0));
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (h != null) {
      h.close();
    }
    if (prometheus != null) {
      prometheus.destroy();
      prometheus.waitFor(10, TimeUnit.SECONDS);
    }
    if (exporter != null) {
      exporter.close();
    }
  }

  private void guardCheckout(String window) {
    guardCheckout(window, "  tiers:\n    immediate:\n      errorRate: {above: 0.05, for: 2s}\n");
  }

  private void guardCheckout(String window, String rest) {
    deployAndGuard(window, rest);
    awaitTarget(d -> d.phase == Phase.Stable);
    h.cluster.rollout(NS, "checkout", Map.of("app", "registry/checkout:v2"), Pods.Ready);
  }

  /**
   * Revision 2 rolls out as soon as the policy guards revision 1, without waiting for revision 1 to pass a window of
   * its own (a fresh Deployment is observed first): for the tests that need no stable revision.
   */
  private void guardCheckoutAndRollOutAtOnce(String window, String rest) {
    deployAndGuard(window, rest);
    awaitTarget(d -> d.revision == 1);
    h.cluster.rollout(NS, "checkout", Map.of("app", "registry/checkout:v2"), Pods.Ready);
  }

  private void deployAndGuard(String window, String rest) {
    deployAndGuard(window, "5s", rest);
  }

  private void deployAndGuard(String window, String rateWindow, String rest) {
    h.cluster.deploy(NS, "checkout", Map.of("app", "checkout"), 3, Map.of("app", "registry/checkout:v1"));
    h.createPolicy("checkout", "checkout", "  prometheus: {url: '" + prometheusUrl + "', timeout: 2s}\n"
        + "  observation: {window: " + window + ", interval: 1s}\n"
        + "  signals: {rateWindow: " + rateWindow + "}\n" + rest);
  }

  private RolloutVerdictStatus awaitTarget(Predicate<RolloutVerdictStatus> p) {
    return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> h.target("checkout", "checkout"), d -> d != null && p.test(d));
  }

  @Test
  void sevenPercentOfServerErrorsRollBackNowWithTheMeasuredRateAsEvidence() {
    guardCheckout("60s");
    awaitTarget(d -> d.revision == 2 && d.phase == Phase.Observing && d.evaluation.countedSamples() >= 2);
    // traffic and no 5xx series at all: the default query gives an error rate of 0, not "no data"
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertThat(
        h.policy("checkout").getStatus().conditions).anySatisfy(c -> {
          assertThat(c.getType()).isEqualTo("MetricsAvailable");
          assertThat(c.getStatus()).isEqualTo("True");
        }));
    assertThat(h.target("checkout", "checkout").evaluation.observed.get(Signals.ERROR_RATE).value()).isZero();
    exporter.errorFraction = 0.07;
    RolloutVerdictStatus d = awaitTarget(t -> t.action == Action.RollbackImmediate);
    assertThat(d.findings).anySatisfy(f -> {
      assertThat(f.signal).isEqualTo(Signals.ERROR_RATE);
      assertThat(f.tier).hasToString("immediate");
      assertThat(f.observed).isStrictlyBetween(0.05, 0.10);
      assertThat(f.query).contains("deployment=~\"checkout\"");
    });
  }

  /**
   * A burn rate on real {@code rate()} windows: 7% of errors against a 99% objective burn the budget 7× on both the
   * 20s and the 5s window (each capped at the rollout's age), above the factor 5; the error-rate criterion is off, so
   * only the burn rate can fire.
   */
  @Test
  void budgetBurningSevenTimesOnBothRealWindowsRollsBackNow() {
    guardCheckoutAndRollOutAtOnce("60s", "  slo: {objective: 0.99}\n  tiers:\n    immediate:\n      errorRate: {disabled: true}\n"
        + "      burnRate: {factor: 5, longWindow: 20s, shortWindow: 5s, for: 2s}\n"
        + "    rapid:\n      burnRate: {disabled: true}\n");
    awaitTarget(d -> d.revision == 2 && d.phase == Phase.Observing && d.evaluation.countedSamples() >= 2);
    exporter.errorFraction = 0.07;
    RolloutVerdictStatus d = awaitTarget(t -> t.action == Action.RollbackImmediate);
    assertThat(d.findings).anySatisfy(f -> {
      assertThat(f.signal).isEqualTo(Signals.BURN_RATE);
      assertThat(f.tier).hasToString("immediate");
      assertThat(f.observed).as("burn factor").isStrictlyBetween(5.0, 10.0);
      assertThat(f.message).contains("over 20s").contains("over 5s").contains("burning");
    });
    assertThat(d.evaluation.observed.keySet()).contains("errorRate@20s", "errorRate@5s");
  }

  /**
   * A latency regression against a baseline Prometheus scraped before the rollout: the p95 was 0.3s for the 20s before
   * it (the baseline, one range query), and is 1.5s after it. With rateWindow 3s at a 1s interval the rank test uses
   * every third sample; minSamples 5 are there 12s into the window.
   */
  @Test
  void aP95FiveTimesItsBaselineBeforeTheRolloutIsARegression() throws Exception {
    deployAndGuard("30s", "3s", "  tiers:\n    rapid:\n      regression: {signal: latencyP95, baseline: 20s,"
        + " minSamples: 5}\n");
    awaitTarget(d -> d.revision == 1);
    // the baseline needs 20s of history: wait until Prometheus has scraped the exporter that long
    HttpClient http = HttpClient.newHttpClient();
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
      String body = http.send(HttpRequest.newBuilder(URI.create(prometheusUrl + "/api/v1/query?query="
          + java.net.URLEncoder.encode("count_over_time(up{job=\"app\"}[1m])", java.nio.charset.StandardCharsets.UTF_8)))
          .build(), HttpResponse.BodyHandlers.ofString()).body();
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"([0-9]+)\"\\]").matcher(body);
      return m.find() && Integer.parseInt(m.group(1)) >= 24;
    });
    h.cluster.rollout(NS, "checkout", Map.of("app", "registry/checkout:v2"), Pods.Ready);
    exporter.slowFraction = 0.1;
    RolloutVerdictStatus d = awaitTarget(t -> t.revision == 2 && t.action == Action.RollbackRapid);
    assertThat(d.findings).anySatisfy(f -> {
      assertThat(f.signal).isEqualTo(Signals.REGRESSION);
      assertThat(f.tier).hasToString("rapid");
      assertThat(f.observed).as("change of the means").isGreaterThan(2.0);
      assertThat(f.message).startsWith("p95 latency ×").contains(" against the 20s before the rollout")
          .containsPattern("median 1\\.[0-9]+s vs 300ms");
    });
  }

  @Test
  void prometheusStoppedMidWindowMakesMetricsUnavailableAndNothingIsPromoted() throws Exception {
    guardCheckout("15s");
    awaitTarget(d -> d.revision == 2 && d.phase == Phase.Observing && d.evaluation.countedSamples() >= 3);
    prometheus.destroy();
    assertThat(prometheus.waitFor(10, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
      Condition c = h.policy("checkout").getStatus().conditions.stream()
          .filter(x -> x.getType().equals("MetricsAvailable")).findFirst().orElseThrow();
      assertThat(c.getStatus()).isEqualTo("False");
      assertThat(c.getMessage()).contains("query failed");
    });
    RolloutVerdictStatus closed = awaitTarget(d -> d.revision == 2 && d.phase != Phase.Observing);
    assertThat(closed.phase).isEqualTo(Phase.Inconclusive);
    assertThat(closed.stableRevision).isEqualTo(1L);
  }
}
