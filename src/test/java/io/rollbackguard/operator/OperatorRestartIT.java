package io.rollbackguard.operator;

import static io.rollbackguard.operator.OperatorHarness.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.cli.demo.SimulatedCluster.Pods;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorRestartIT {

  @Test
  void anOperatorRestartedMidWindowResumesItWithoutDuplicateEvents() {
    // counters written at every sample, so the test can see the window half done before the restart
    OperatorSettings settings = new OperatorSettings(java.util.Set.of(), null, null, 0).withCounterWriteMillis(0);
    try (OperatorHarness h = new OperatorHarness().startOperator(settings)) {
      h.createPolicy("checkout", "checkout", "  observation: {window: 8s, interval: 1s}\n");
      h.cluster.deploy(NS, "checkout", Map.of("app", "checkout"), 1, Map.of("app", "registry/checkout:v1"));
      await().atMost(Duration.ofSeconds(20)).until(() -> h.target("checkout", "checkout"),
          d -> d != null && d.phase == Phase.Stable);
      h.cluster.rollout(NS, "checkout", Map.of("app", "registry/checkout:v2"), Pods.Ready);
      RolloutVerdictStatus observing = await().atMost(Duration.ofSeconds(20)).until(
          () -> h.target("checkout", "checkout"),
          d -> d != null && d.revision == 2 && d.phase == Phase.Observing && d.evaluation.countedSamples() >= 2);

      h.stopOperator();
      h.startOperator(settings);

      RolloutVerdictStatus done = await().atMost(Duration.ofSeconds(30)).until(() -> h.target("checkout", "checkout"),
          d -> d != null && d.revision == 2 && d.phase == Phase.Stable);
      assertThat(done.rolloutStartedAt).isEqualTo(observing.rolloutStartedAt);
      // revision 1 was first seen mid-rollout and got its own window; revision 2 must be observed once only
      assertThat(done.timeline).filteredOn(e -> e.event.equals("RolloutObserved") && e.message.startsWith("revision 2"))
          .hasSize(1);
      List<Event> events = h.client.v1().events().inNamespace(NS).list().getItems();
      assertThat(events).filteredOn(e -> "Deployment".equals(e.getInvolvedObject().getKind())
          && "RolloutObserved".equals(e.getReason()) && e.getMessage().contains("revision 2")).hasSize(1);
      assertThat(events).filteredOn(e -> "Deployment".equals(e.getInvolvedObject().getKind())
          && "ObservationPassed".equals(e.getReason()) && e.getMessage().contains("revision 2")).hasSize(1);
    }
  }
}
