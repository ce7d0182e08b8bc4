package io.rollbackguard.operator;

import static io.rollbackguard.operator.OperatorHarness.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rollbackguard.api.status.Phase;
import io.rollbackguard.cli.demo.ScriptedPrometheus;
import io.rollbackguard.cli.demo.SimulatedCluster.Pods;
import io.rollbackguard.verdict.Signals;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** /healthz tells a wedged sampler from an idle operator. */
class HealthIT {
  @Test
  void aWedgedSamplerMakesHealthzFailOnceItsSampleIsOverdueAndAnIdleOperatorIsHealthy() throws Exception {
    TestingClock clock = new TestingClock();
    CountDownLatch release = new CountDownLatch(1);
    try (ScriptedPrometheus prometheus = ScriptedPrometheus.start(); OperatorHarness h = new OperatorHarness()) {
      prometheus.set("checkout", Signals.ERROR_RATE, 0.0);
      prometheus.set("checkout", Signals.LATENCY_P95, 0.1);
      h.operator = RollbackGuardOperator.start(h.k8s.newOperatorClient(),
          new OperatorSettings(Set.of(), null, null, freePort()), clock);
      HttpClient http = HttpClient.newHttpClient();
      URI healthz = URI.create("http://127.0.0.1:" + h.operator.healthPort() + "/healthz");
      h.cluster.deploy(NS, "checkout", Map.of("app", "checkout"), 1, Map.of("app", "registry/checkout:v1"));
      h.createPolicy("checkout", "checkout", "  prometheus: {url: '" + prometheus.url() + "'}\n"
          + "  observation: {window: 2s, interval: 1s}\n");
      await().atMost(Duration.ofSeconds(20)).until(() -> h.target("checkout", "checkout"),
          d -> d != null && d.phase == Phase.Stable);
      h.editPolicy("checkout", p -> p.getSpec().observation.window = "60s");
      // idle: a stable Deployment expects nothing, whatever the clock says
      clock.advance(120_000);
      assertThat(http.send(HttpRequest.newBuilder(healthz).build(), HttpResponse.BodyHandlers.ofString())
          .statusCode()).isEqualTo(200);

      h.operator.wedgeSamplerUntil(release);
      h.cluster.rollout(NS, "checkout", Map.of("app", "registry/checkout:v2"), Pods.Ready);
      await().atMost(Duration.ofSeconds(20)).until(() -> h.target("checkout", "checkout"),
          d -> d != null && d.revision == 2 && d.phase == Phase.Observing);
      clock.advance(31_000);
      HttpResponse<String> wedged = await().atMost(Duration.ofSeconds(10)).until(() -> http.send(
          HttpRequest.newBuilder(healthz).build(), HttpResponse.BodyHandlers.ofString()), r -> r.statusCode() == 503);
      assertThat(wedged.body()).startsWith("overdue: ").contains("policy shop/checkout");
      release.countDown();
    }
  }

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
