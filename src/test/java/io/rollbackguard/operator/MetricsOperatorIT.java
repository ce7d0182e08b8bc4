package io.rollbackguard.operator;

import static io.rollbackguard.operator.OperatorHarness.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.cli.demo.ScriptedPrometheus;
import io.rollbackguard.cli.demo.SimulatedCluster.Pods;
import io.rollbackguard.verdict.Signals;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The operator on metrics from a scripted Prometheus: escalation on error rate, and no data never being health. */
class MetricsOperatorIT {
  final ScriptedPrometheus prometheus = ScriptedPrometheus.start();
  OperatorHarness h;

  @AfterEach
  void stop() {
    if (h != null) {
      h.close();
    }
    prometheus.close();
  }

  String policy(String window) {
    return "  prometheus: {url: '" + prometheus.url() + "', timeout: 1s}\n"
        + "  observation: {window: " + window + ", interval: 1s}\n"
        + "  tiers:\n"
        + "    immediate:\n      errorRate: {above: 0.05, for: 2s}\n"
        + "    rapid:\n      errorRate: {above: 0.01, for: 2s}\n";
  }

  void healthy(String deployment) {
    prometheus.set(deployment, Signals.ERROR_RATE, 0.0);
    prometheus.set(deployment, Signals.LATENCY_P95, 0.12);
    prometheus.set(deployment, Signals.REQUEST_RATE, 25.0);
  }

  RolloutVerdictStatus awaitTarget(Predicate<RolloutVerdictStatus> p) {
    return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> h.target("checkout", "checkout"), d -> d != null && p.test(d));
  }

  Condition condition(String type) {
    return h.policy("checkout").getStatus().conditions.stream().filter(c -> type.equals(c.getType())).findFirst()
        .orElseThrow();
  }

  @Test
  void anErrorRateRisingPastOneThenFivePercentEscalatesWithTheResolvedQueryAsEvidence() {
    h = new OperatorHarness().startOperator();
    healthy("checkout");
    // revision 1, younger than any window when first seen, is observed (3 s) and becomes the stable baseline; then
    // the window is lengthened for what comes next
    h.cluster.deploy(NS, "checkout", Map.of("app", "checkout"), 3, Map.of("app", "registry/checkout:v1"));
    h.createPolicy("checkout", "checkout", policy("3s"));
    awaitTarget(d -> d.phase == Phase.Stable && Long.valueOf(1).equals(d.stableRevision));
    h.editPolicy("checkout", p -> p.getSpec().observation.window = "60s");
    h.cluster.rollout(NS, "checkout", Map.of("app", "registry/checkout:v2"), Pods.Ready);
    awaitTarget(d -> d.revision == 2 && d.phase == Phase.Observing);
    assertThat(condition("MetricsAvailable").getStatus()).isEqualTo("True");

    prometheus.set("checkout", Signals.ERROR_RATE, 0.02);
    RolloutVerdictStatus rapid = awaitTarget(d -> d.action == Action.RollbackRapid);
    assertThat(rapid.findings).anySatisfy(f -> {
      assertThat(f.signal).isEqualTo(Signals.ERROR_RATE);
      assertThat(f.observed).isEqualTo(0.02);
      assertThat(f.threshold).isEqualTo(0.01);
      assertThat(f.query).contains("namespace=\"shop\"", "deployment=~\"checkout\"", "status=~\"5..\"");
    });

    prometheus.set("checkout", Signals.ERROR_RATE, 0.07);
    RolloutVerdictStatus immediate = awaitTarget(d -> d.action == Action.RollbackImmediate);
    assertThat(immediate.reason).isEqualTo("error rate 7% > 5% for 2s");
    assertThat(immediate.procedure.mentions("--to-revision=1")).isTrue();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(h.policy("checkout").getStatus().reason)
        .isEqualTo("checkout: error rate 7% > 5% for 2s"));
  }

  @Test
  void prometheusFailingMidWindowIsReportedAndTheRevisionIsNotPromoted() {
    h = new OperatorHarness().startOperator(new OperatorSettings(Set.of(), null, null, 0).withCounterWriteMillis(0));
    healthy("checkout");
    h.createPolicy("checkout", "checkout", policy("8s"));
    h.cluster.deploy(NS, "checkout", Map.of("app", "checkout"), 1, Map.of("app", "registry/checkout:v1"));
    awaitTarget(d -> d.phase == Phase.Stable);
    h.cluster.rollout(NS, "checkout", Map.of("app", "registry/checkout:v2"), Pods.Ready);
    awaitTarget(d -> d.revision == 2 && d.phase == Phase.Observing && d.evaluation.countedSamples() >= 2);

    prometheus.override(q -> new ScriptedPrometheus.Answer(503, "upstream connect error"));
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
      Condition c = condition("MetricsAvailable");
      assertThat(c.getStatus()).isEqualTo("False");
      assertThat(c.getReason()).isEqualTo("QueryFailed");
      assertThat(c.getMessage()).contains("checkout: errorRate: malformed response (HTTP 503)");
    });
    RolloutVerdictStatus closed = awaitTarget(d -> d.revision == 2 && d.phase != Phase.Observing);
    assertThat(closed.phase).isEqualTo(Phase.Inconclusive);
    assertThat(closed.action).isEqualTo(Action.Evaluate);
    assertThat(closed.tier).isNull();
    assertThat(closed.stableRevision).isEqualTo(1L);
    // revision 1 may have had a window of its own (first seen mid-rollout): revision 2's must not have passed
    assertThat(closed.timeline).filteredOn(e -> e.message.startsWith("revision 2")).extracting(e -> e.event)
        .contains("ObservationInconclusive").doesNotContain("ObservationPassed");
  }

  @Test
  void credentialsComeOnlyFromLabelledSecretsAndUrlsOnlyFromTheAllowList() {
    h = new OperatorHarness().startOperator(new OperatorSettings(Set.of(), null,
        Pattern.compile("http://127\\.0\\.0\\.1:[0-9]+"), 0));
    h.client.secrets().resource(new SecretBuilder().withNewMetadata().withName("prom-token").withNamespace(NS)
        .endMetadata().addToStringData("token", "s3cret").build()).create();
    h.createPolicy("checkout", "checkout", "  prometheus:\n    url: '" + prometheus.url() + "'\n"
        + "    bearerTokenSecretRef: {name: prom-token, key: token}\n");
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
      Condition ready = condition("Ready");
      assertThat(ready.getStatus()).isEqualTo("False");
      assertThat(ready.getMessage()).isEqualTo("spec.prometheus.bearerTokenSecretRef: Secret prom-token is not "
          + "labelled rollbackguard.io/credentials=true, so it is not read");
    });
    h.createPolicy("elsewhere", "cart", "  prometheus: {url: 'http://prometheus.example:9090'}\n");
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> assertThat(h.policy("elsewhere").getStatus()
        .conditions).anySatisfy(c -> assertThat(c.getMessage()).isEqualTo(
            "spec.prometheus.url: 'http://prometheus.example:9090' is not allowed by the operator's "
                + "--prometheus-url-allow")));
    assertThat(h.policy("checkout").getStatus().toString()).doesNotContain("s3cret");
  }

  /** /metrics as Prometheus scrapes it. */
  String scrape() throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + h.operator.healthPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** The value of the one series whose line starts with {@code series} (name and labels, as exported). */
  static double value(String scrape, String series) {
    List<String> lines = scrape.lines().filter(l -> l.startsWith(series + " ")).toList();
    assertThat(lines).as(series).hasSize(1);
    return Double.parseDouble(lines.get(0).substring(series.length() + 1).trim());
  }

  @Test
  void aCrashLoopingRolloutShowsOnMetricsWithItsVerdictRecommendationSamplesQueriesAndRolloutStart()
      throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    h = new OperatorHarness().startOperator(new OperatorSettings(Set.of(), null, null, port));
    healthy("checkout");
    h.cluster.deploy(NS, "checkout", Map.of("app", "checkout"), 2, Map.of("app", "registry/checkout:v1"));
    h.createPolicy("checkout", "checkout", policy("3s"));
    awaitTarget(d -> d.phase == Phase.Stable && Long.valueOf(1).equals(d.stableRevision));
    h.editPolicy("checkout", p -> p.getSpec().observation.window = "8s");

    h.cluster.rollout(NS, "checkout", Map.of("app", "registry/checkout:v2"), Pods.CrashLooping);
    RolloutVerdictStatus rapid = awaitTarget(d -> d.revision == 2 && d.action == Action.RollbackRapid);
    long started = java.time.Instant.parse(rapid.rolloutStartedAt).getEpochSecond();
    // while revision 2's window is open: its rollout start, for the dashboard's annotations
    String open = await().atMost(Duration.ofSeconds(10)).until(this::scrape, m -> m.contains(
        "rollbackguard_verdicts{action=\"RollbackRapid\",namespace=\"shop\",phase=\"Breached\",policy=\"checkout\"} 1"));
    assertThat(value(open, "rollbackguard_rollout_started_timestamp_seconds{deployment=\"checkout\","
        + "namespace=\"shop\",revision=\"2\"}")).isEqualTo((double) started);
    assertThat(open).doesNotContain("revision=\"1\"");
    assertThat(value(open, "rollbackguard_recommendations_total{action=\"RollbackRapid\",namespace=\"shop\","
        + "policy=\"checkout\"}")).isEqualTo(1.0);
    assertThat(value(open, "rollbackguard_samples_total{namespace=\"shop\",policy=\"checkout\",result=\"taken\"}"))
        .isGreaterThan(0);
    assertThat(value(open, "rollbackguard_prometheus_query_duration_seconds_count{namespace=\"shop\","
        + "outcome=\"ok\",policy=\"checkout\",signal=\"errorRate\"}")).isGreaterThan(0);
    assertThat(open).contains("rollbackguard_prometheus_query_duration_seconds_bucket{namespace=\"shop\","
        + "outcome=\"ok\",policy=\"checkout\",signal=\"errorRate\",le=\"0.1\"}");
    assertThat(open).contains("operator_sdk_controllers_execution_reconcile_success_total{controller=\"rolloutverdict\"");

    // the window closes (still Breached): the rollout start goes, the recommendation was counted once
    awaitTarget(d -> d.revision == 2 && d.evaluation != null && !d.evaluation.windowOpen());
    String closed = await().atMost(Duration.ofSeconds(10)).until(this::scrape,
        m -> !m.contains("rollbackguard_rollout_started_timestamp_seconds{"));
    assertThat(value(closed, "rollbackguard_recommendations_total{action=\"RollbackRapid\",namespace=\"shop\","
        + "policy=\"checkout\"}")).isEqualTo(1.0);
    assertThat(closed).doesNotContain("rollbackguard_recommendations_total{action=\"RollbackImmediate\"");
    assertThat(value(closed, "rollbackguard_samples_total{namespace=\"shop\",policy=\"checkout\",result=\"taken\"}"))
        .isGreaterThanOrEqualTo(value(open, "rollbackguard_samples_total{namespace=\"shop\",policy=\"checkout\","
            + "result=\"taken\"}"));

    // the policy goes: its series go with it
    h.client.resources(io.rollbackguard.api.RollbackPolicy.class).inNamespace(NS).withName("checkout").delete();
    await().atMost(Duration.ofSeconds(20)).until(this::scrape, m -> !m.contains("rollbackguard_verdicts{")
        && !m.contains("rollbackguard_samples_total{"));
  }
}
