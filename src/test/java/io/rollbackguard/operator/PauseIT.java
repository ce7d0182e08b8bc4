package io.rollbackguard.operator;

import static io.rollbackguard.operator.OperatorHarness.FAST;
import static io.rollbackguard.operator.OperatorHarness.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.cli.demo.SimulatedCluster.Pods;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pausing for maintenance or an incident handled by hand: spec.suspend on a policy, the skip annotation. */
class PauseIT {
  OperatorHarness h;

  @BeforeEach
  void start() {
    h = new OperatorHarness().startOperator();
    h.createPolicy("checkout", "checkout", FAST);
    h.cluster.deploy(NS, "checkout", Map.of("app", "checkout"), 2, Map.of("app", "registry/checkout:v1"));
    awaitTarget(d -> d.phase == Phase.Stable);
  }

  @AfterEach
  void stop() {
    h.close();
  }

  private RolloutVerdictStatus awaitTarget(Predicate<RolloutVerdictStatus> p) {
    return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
        .until(() -> h.target("checkout", "checkout"), d -> d != null && p.test(d));
  }

  private void suspend(boolean on) {
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
      h.client.resources(RollbackPolicy.class).inNamespace(NS).withName("checkout").edit(p -> {
        p.getSpec().suspend = on;
        return p;
      });
      return true;
    });
  }

  @Test
  void aSuspendedPolicyTakesNoSampleAndRaisesNothingNewButKeepsWhatIsLatchedVisible() {
    h.cluster.rollout(NS, "checkout", Map.of("app", "registry/checkout:v2"), Pods.CrashLooping);
    awaitTarget(d -> d.action == Action.RollbackRapid && d.revision == 2);
    suspend(true);
    RolloutVerdictStatus held = awaitTarget(d -> d.reason.startsWith("policy checkout is suspended"));
    assertThat(held.reason).contains("still latched: RollbackRapid");
    assertThat(held.action).isEqualTo(Action.RollbackRapid);
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
      var s = h.policy("checkout").getStatus();
      assertThat(s.reason).startsWith("Suspended (spec.suspend: true)").contains("latched: ");
      assertThat(s.conditions).anySatisfy(c -> assertThat(c.getType() + "=" + c.getStatus()).isEqualTo(
          "Suspended=True"));
    });

    // a new rollout while suspended is not observed ...
    h.cluster.rollout(NS, "checkout", Map.of("app", "registry/checkout:v3"), Pods.CrashLooping);
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
        .until(() -> h.target("checkout", "checkout"), d -> d != null && d.revision == 2);
    // ... until the policy resumes
    suspend(false);
    RolloutVerdictStatus resumed = awaitTarget(d -> d.revision == 3 && d.action == Action.RollbackRapid);
    assertThat(resumed.reason).doesNotContain("suspended");
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
        assertThat(h.policy("checkout").getStatus().conditions).noneSatisfy(c -> assertThat(c.getType())
            .isEqualTo("Suspended")));
  }

  @Test
  void theSkipAnnotationLeavesTheDeploymentUnguardedWhileItIsSetAndSaysSoInItsVerdict() {
    h.cluster.annotate(NS, "checkout", VerdictReconciler.SKIP, "true");
    RolloutVerdictStatus skipped = awaitTarget(d -> Boolean.FALSE.equals(d.guarded));
    assertThat(skipped.reason).startsWith("skipped: the Deployment has rollbackguard.io/skip=true");
    h.cluster.rollout(NS, "checkout", Map.of("app", "registry/checkout:v2"), Pods.CrashLooping);
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
        .until(() -> h.target("checkout", "checkout"), d -> d != null && d.revision == 1);
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
        .untilAsserted(() -> assertThat(h.policy("checkout").getStatus().targets).isZero());

    h.cluster.annotate(NS, "checkout", VerdictReconciler.SKIP, null);
    RolloutVerdictStatus back = awaitTarget(d -> d.revision == 2 && d.action == Action.RollbackRapid);
    assertThat(back.guarded).isTrue();
  }
}
