package io.rollbackguard.operator;

import static io.rollbackguard.operator.OperatorHarness.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.cli.demo.ScriptedPrometheus;
import io.rollbackguard.cli.demo.SimulatedCluster.Pods;
import io.rollbackguard.verdict.Signals;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A Prometheus that answers with headers and then stalls delays nothing but its own readings. */
class PrometheusStallIT {
  @Test
  void aStalledPrometheusIsInconclusiveAtTheDeadlineWhileACrashLoopIsStillRecommendedOnTime() {
    try (ScriptedPrometheus prometheus = ScriptedPrometheus.start();
        OperatorHarness h = new OperatorHarness().startOperator()) {
      for (String d : new String[] {"checkout", "cart"}) {
        prometheus.set(d, Signals.ERROR_RATE, 0.0);
        prometheus.set(d, Signals.LATENCY_P95, 0.1);
        h.cluster.deploy(NS, d, Map.of("tier", "web"), 2, Map.of("app", "registry/" + d + ":v1"));
      }
      h.createPolicy("web", Map.of("tier", "web"), "  prometheus: {url: '" + prometheus.url() + "', timeout: 1s}\n"
          + "  observation: {window: 3s, interval: 1s}\n");
      await().atMost(Duration.ofSeconds(20)).until(() -> h.target("web", "checkout") != null
          && h.target("web", "cart") != null && h.target("web", "checkout").phase == Phase.Stable
          && h.target("web", "cart").phase == Phase.Stable);
      h.editPolicy("web", p -> p.getSpec().observation.window = "30s");

      prometheus.override(q -> ScriptedPrometheus.STALL_AFTER_HEADERS);
      h.cluster.rollout(NS, "checkout", Map.of("app", "registry/checkout:v2"), Pods.Ready);
      long crashAt = System.currentTimeMillis();
      h.cluster.rollout(NS, "cart", Map.of("app", "registry/cart:v2"), Pods.CrashLooping);

      // the crash loop is recommended within a few intervals, Prometheus' stall notwithstanding
      RolloutVerdictStatus cart = await().atMost(Duration.ofSeconds(15)).until(() -> h.target("web", "cart"),
          d -> d != null && d.revision == 2 && d.action == Action.RollbackRapid);
      assertThat(java.time.Instant.parse(cart.timeline.stream().filter(e -> e.event.equals("RollbackRecommended"))
          .findFirst().orElseThrow().at).toEpochMilli() - crashAt).as("ms from the rollout to the recommendation")
          .isLessThan(5_000);
      // and the other's readings are inconclusive at the deadline, never health
      RolloutVerdictStatus checkout = await().atMost(Duration.ofSeconds(15)).until(() -> h.target("web", "checkout"),
          d -> d != null && d.revision == 2 && d.evaluation != null && d.evaluation.observed.containsKey(
              Signals.ERROR_RATE) && !d.evaluation.observed.get(Signals.ERROR_RATE).conclusive());
      assertThat(checkout.evaluation.observed.get(Signals.ERROR_RATE).reason())
          .contains("no complete answer");
      assertThat(checkout.action).isEqualTo(Action.None);
      assertThat(checkout.phase).isEqualTo(Phase.Observing);
      // the histogram tells a stall from an error, and the inconclusive samples are counted
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(h.operator.registry().scrape())
          .containsPattern("rollbackguard_prometheus_query_duration_seconds_count\\{namespace=\"shop\","
              + "outcome=\"timeout\",policy=\"web\",signal=\"errorRate\"\\} [1-9]")
          .containsPattern("rollbackguard_samples_total\\{namespace=\"shop\",policy=\"web\","
              + "result=\"inconclusive\"\\} [1-9]"));
    }
  }
}
