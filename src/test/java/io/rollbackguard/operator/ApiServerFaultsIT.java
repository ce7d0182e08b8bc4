package io.rollbackguard.operator;

import static io.rollbackguard.operator.OperatorHarness.FAST;
import static io.rollbackguard.operator.OperatorHarness.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.cli.demo.SimulatedCluster.Pods;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The API server failing for a while: the operator catches up afterwards, and shows nothing twice. */
class ApiServerFaultsIT {
  @Test
  void aBurstOf5xxOnStatusWritesAndEventsDuringARolloutIsCaughtUpWithoutADuplicateEvent() {
    try (OperatorHarness h = stableCheckout()) {
      for (int i = 0; i < 4; i++) {
        h.k8s.failOnce(r -> r.fromOperator() && r.isWrite() && (r.path().contains("/rolloutverdicts/checkout/status")
            || r.path().contains("/events")), i % 2 == 0 ? 500 : 503);
      }
      h.cluster.rollout(NS, "checkout", Map.of("app", "registry/checkout:v2"), Pods.CrashLooping);
      RolloutVerdictStatus d = await().atMost(Duration.ofSeconds(60)).until(() -> h.target("checkout", "checkout"),
          t -> t != null && t.revision == 2 && t.action == Action.RollbackRapid);
      assertThat(h.k8s.pendingFailures()).isZero();
      assertThat(d.timeline).filteredOn(e -> e.event.equals("RollbackRecommended")).hasSize(1);
      awaitOneRollbackRecommendedEvent(h);
    }
  }

  @Test
  void aRolloutDuringADroppedWatchIsCaughtUpAfterTheRelistWithoutADuplicateEvent() {
    try (OperatorHarness h = stableCheckout()) {

      h.k8s.dropOperatorWatches(Duration.ofSeconds(6));
      h.cluster.rollout(NS, "checkout", Map.of("app", "registry/checkout:v2"), Pods.CrashLooping);
      // Blind while its watches are down: the operator's caches cannot know of revision 2 yet.
      await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(5))
          .until(() -> h.target("checkout", "checkout").revision == 1);

      RolloutVerdictStatus d = await().atMost(Duration.ofSeconds(90)).until(() -> h.target("checkout", "checkout"),
          t -> t != null && t.revision == 2 && t.action == Action.RollbackRapid);
      assertThat(h.k8s.goneServed()).as("informers told to relist").isPositive();
      assertThat(d.timeline).filteredOn(e -> e.event.equals("RollbackRecommended")).hasSize(1);
      awaitOneRollbackRecommendedEvent(h);
    }
  }

  /** The operator guarding checkout, its first revision Stable. */
  private static OperatorHarness stableCheckout() {
    OperatorHarness h = new OperatorHarness().startOperator();
    h.createPolicy("checkout", "checkout", FAST);
    h.cluster.deploy(NS, "checkout", Map.of("app", "checkout"), 2, Map.of("app", "registry/checkout:v1"));
    await().atMost(Duration.ofSeconds(20)).until(() -> h.target("checkout", "checkout"),
        d -> d != null && d.phase == Phase.Stable);
    return h;
  }

  private static void awaitOneRollbackRecommendedEvent(OperatorHarness h) {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      List<Event> events = h.client.v1().events().inNamespace(NS).list().getItems().stream()
          .filter(e -> "RollbackRecommended".equals(e.getReason())
              && "Deployment".equals(e.getInvolvedObject().getKind())).toList();
      assertThat(events).hasSize(1);
    });
  }
}
