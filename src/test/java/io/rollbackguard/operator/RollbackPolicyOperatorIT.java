package io.rollbackguard.operator;

import static io.rollbackguard.operator.OperatorHarness.FAST;
import static io.rollbackguard.operator.OperatorHarness.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rollbackguard.api.RolloutVerdict;
import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.cli.demo.SimulatedCluster.Pods;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RollbackPolicyOperatorIT {
  OperatorHarness h;

  @BeforeEach
  void start() {
    h = new OperatorHarness().startOperator();
  }

  @AfterEach
  void stop() {
    h.close();
  }

  private RolloutVerdictStatus awaitTarget(String policy, String deployment, java.util.function.Predicate<RolloutVerdictStatus> p) {
    return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
        .until(() -> h.target(policy, deployment), d -> d != null && p.test(d));
  }

  @Test
  void aRolloutThatPassesItsWindowBecomesStableAndACrashLoopRecommendsRollingBackToIt() {
    h.createPolicy("checkout", "checkout", FAST);
    h.cluster.deploy(NS, "checkout", Map.of("app", "checkout"), 3, Map.of("app", "registry/checkout:v1"));
    awaitTarget("checkout", "checkout", d -> d.phase == Phase.Stable && d.revision == 1);

    h.cluster.rollout(NS, "checkout", Map.of("app", "registry/checkout:v2"), Pods.Ready);
    RolloutVerdictStatus stable = awaitTarget("checkout", "checkout", d -> d.revision == 2 && d.phase == Phase.Stable);
    assertThat(stable.stableRevision).isEqualTo(2L);

    h.cluster.rollout(NS, "checkout", Map.of("app", "registry/checkout:v3"), Pods.CrashLooping);
    RolloutVerdictStatus rapid = awaitTarget("checkout", "checkout", d -> d.action == Action.RollbackRapid);
    assertThat(rapid.revision).isEqualTo(3L);
    assertThat(rapid.phase).isEqualTo(Phase.Breached);
    assertThat(rapid.procedure.mentions("kubectl rollout undo deployment/checkout -n shop --to-revision=2")).isTrue();
    assertThat(rapid.stableImages).containsExactly("registry/checkout:v2");
    // the policy's summary is coalesced (at most once a second): it follows
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(h.policy("checkout").getStatus().action).isEqualTo("RollbackRapid"));

    Instant declaredBefore = Instant.now();
    h.cluster.annotate(NS, "checkout", "rollbackguard.io/declare", "security-flaw");
    RolloutVerdictStatus immediate = awaitTarget("checkout", "checkout", d -> d.action == Action.RollbackImmediate);
    Instant decideBy = Instant.parse(immediate.decideBy);
    assertThat(decideBy).isBetween(declaredBefore.plusSeconds(299), Instant.now().plusSeconds(301));
    assertThat(immediate.timeline).extracting(e -> e.event)
        .containsSubsequence("RolloutObserved", "RollbackRecommended", "Declared", "Escalated");
    // every version of the policy and the verdict the operator wrote was checked against the CRDs' schemas
    assertThat(h.schemas.checked()).isGreaterThan(5);
  }

  @Test
  void aDeclarationIsNotAppliedToTheNextRevision() {
    h.createPolicy("checkout", "checkout", FAST);
    h.cluster.deploy(NS, "checkout", Map.of("app", "checkout"), 2, Map.of("app", "registry/checkout:v1"));
    awaitTarget("checkout", "checkout", d -> d.phase == Phase.Stable);
    h.cluster.rollout(NS, "checkout", Map.of("app", "registry/checkout:v2"), Pods.Ready);
    awaitTarget("checkout", "checkout", d -> d.revision == 2);
    h.cluster.annotate(NS, "checkout", "rollbackguard.io/declare", "security-flaw");
    awaitTarget("checkout", "checkout", d -> d.action == Action.RollbackImmediate && d.revision == 2);

    h.cluster.rollout(NS, "checkout", Map.of("app", "registry/checkout:v3"), Pods.Ready);
    RolloutVerdictStatus next = awaitTarget("checkout", "checkout", d -> d.revision == 3 && d.phase == Phase.Stable);
    assertThat(next.action).isEqualTo(Action.None);
    assertThat(next.evaluation.declaration.revision()).isEqualTo("2");
    assertThat(next.timeline).extracting(e -> e.event).contains("DeclarationNotApplied");
  }

  @Test
  void rolloutUndoIsRecordedAsRolledBackAndTheStableRevisionFollowsItsNewNumber() {
    h.createPolicy("checkout", "checkout", FAST);
    h.cluster.deploy(NS, "checkout", Map.of("app", "checkout"), 2, Map.of("app", "registry/checkout:v1"));
    awaitTarget("checkout", "checkout", d -> d.phase == Phase.Stable);
    h.cluster.rollout(NS, "checkout", Map.of("app", "registry/checkout:v2"), Pods.CrashLooping);
    RolloutVerdictStatus bad = awaitTarget("checkout", "checkout", d -> d.action == Action.RollbackRapid);
    assertThat(bad.procedure.mentions("--to-revision=1")).isTrue();

    h.cluster.undo(NS, "checkout", 1);
    RolloutVerdictStatus back = awaitTarget("checkout", "checkout", d -> d.revision == 3 && d.phase == Phase.Stable);
    assertThat(back.stableRevision).isEqualTo(3L);
    assertThat(back.action).isEqualTo(Action.None);
    assertThat(back.timeline).extracting(e -> e.event).contains("RolledBack", "ObservationPassed");
    assertThat(back.timeline).filteredOn(e -> e.event.equals("RolledBack")).first()
        .satisfies(e -> assertThat(e.message).contains("revision 3 restores the template of")
            .doesNotContain("stable revision 3"));
  }

  @Test
  void anInvalidPolicyIsReportedWhileAValidOneBesideItKeepsWorking() {
    h.createPolicy("broken", "cart", "  observation: {window: forever}\n");
    h.createPolicy("checkout", "checkout", FAST);
    h.cluster.deploy(NS, "cart", Map.of("app", "cart"), 1, Map.of("app", "registry/cart:v1"));
    h.cluster.deploy(NS, "checkout", Map.of("app", "checkout"), 1, Map.of("app", "registry/checkout:v1"));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      var status = h.policy("broken").getStatus();
      assertThat(status).isNotNull();
      assertThat(status.conditions).anySatisfy(c -> {
        assertThat(c.getType()).isEqualTo("Ready");
        assertThat(c.getStatus()).isEqualTo("False");
        assertThat(c.getReason()).isEqualTo("InvalidPolicy");
        assertThat(c.getMessage()).contains("spec.observation.window: 'forever' is not a duration");
      });
    });
    h.cluster.rollout(NS, "checkout", Map.of("app", "registry/checkout:v2"), Pods.CrashLooping);
    awaitTarget("checkout", "checkout", d -> d.action == Action.RollbackRapid);
    assertThat(h.policy("checkout").getStatus().conditions)
        .anySatisfy(c -> assertThat(c.getType() + "=" + c.getStatus()).isEqualTo("Ready=True"));
  }

  @Test
  void aConflictOnAStatusWriteIsRetriedAndNothingIsLost() {
    h.createPolicy("checkout", "checkout", FAST);
    h.cluster.deploy(NS, "checkout", Map.of("app", "checkout"), 1, Map.of("app", "registry/checkout:v1"));
    awaitTarget("checkout", "checkout", d -> d.phase == Phase.Stable);
    h.k8s.failOnce(r -> r.fromOperator() && r.method().equals("PUT")
        && r.path().endsWith("/rolloutverdicts/checkout/status"), 409);
    h.cluster.rollout(NS, "checkout", Map.of("app", "registry/checkout:v2"), Pods.CrashLooping);
    RolloutVerdictStatus d = awaitTarget("checkout", "checkout", t -> t.action == Action.RollbackRapid);
    assertThat(h.k8s.pendingFailures()).isZero();
    assertThat(d.timeline).extracting(e -> e.event).containsSubsequence("RolloutObserved", "RollbackRecommended");
  }

  @Test
  void aConcurrentEditDuringAStatusWriteMakesItConflictAndNothingIsTakenOrAnnouncedTwice() {
    h.createPolicy("checkout", "checkout", FAST);
    h.cluster.deploy(NS, "checkout", Map.of("app", "checkout"), 1, Map.of("app", "registry/checkout:v1"));
    long observedBefore = awaitTarget("checkout", "checkout", d -> d.phase == Phase.Stable).timeline.stream()
        .filter(e -> e.event.equals("RolloutObserved")).count();
    // Someone annotates the verdict (kubectl annotate rv) just before each of the operator's next two status writes.
    for (int i = 0; i < 2; i++) {
      h.k8s.patchBefore(r -> r.fromOperator() && r.method().equals("PUT")
          && r.path().endsWith("/rolloutverdicts/checkout/status"),
          "/apis/rollbackguard.io/v1alpha1/namespaces/" + NS + "/rolloutverdicts/checkout",
          "{\"metadata\":{\"annotations\":{\"example.com/note\":\"edit-" + i + "\"}}}");
    }
    h.cluster.rollout(NS, "checkout", Map.of("app", "registry/checkout:v2"), Pods.CrashLooping);
    RolloutVerdictStatus d = awaitTarget("checkout", "checkout", t -> t.action == Action.RollbackRapid);

    RolloutVerdict verdict = h.client.resources(RolloutVerdict.class).inNamespace(NS).withName("checkout").get();
    assertThat(verdict.getMetadata().getAnnotations()).containsEntry("example.com/note", "edit-1");
    assertThat(h.k8s.requests()).filteredOn(r -> r.fromOperator() && r.method().equals("GET")
        && r.path().endsWith("/rolloutverdicts/checkout")).as("re-read after each conflict").hasSizeGreaterThanOrEqualTo(2);
    assertThat(d.timeline).filteredOn(e -> e.event.equals("RolloutObserved")).hasSize((int) observedBefore + 1);
    assertThat(d.timeline).filteredOn(e -> e.event.equals("RollbackRecommended")).hasSize(1);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(h.client.v1().events().inNamespace(NS)
        .list().getItems()).filteredOn(e -> "Deployment".equals(e.getInvolvedObject().getKind())
            && "RollbackRecommended".equals(e.getReason())).hasSize(1));
  }

  @Test
  void theOperatorNeverWritesToDeploymentsReplicaSetsOrPods() {
    h.createPolicy("checkout", "checkout", FAST);
    h.cluster.deploy(NS, "checkout", Map.of("app", "checkout"), 2, Map.of("app", "registry/checkout:v1"));
    h.cluster.rollout(NS, "checkout", Map.of("app", "registry/checkout:v2"), Pods.CrashLooping);
    awaitTarget("checkout", "checkout", d -> d.action == Action.RollbackRapid);
    h.cluster.annotate(NS, "checkout", "rollbackguard.io/declare", "data-corruption");
    awaitTarget("checkout", "checkout", d -> d.action == Action.RollbackImmediate);
    var writes = h.k8s.requests().stream().filter(r -> r.fromOperator() && r.isWrite()).toList();
    assertThat(writes).isNotEmpty().allSatisfy(r -> assertThat(r.path())
        .matches("/apis/rollbackguard.io/v1alpha1/namespaces/shop/rollbackpolicies/checkout/status.*"
            + "|/apis/rollbackguard.io/v1alpha1/namespaces/shop/rolloutverdicts.*"
            + "|/api/v1/namespaces/shop/events.*"));
  }
}
