package io.rollbackguard.operator;

import static io.rollbackguard.operator.OperatorHarness.FAST;
import static io.rollbackguard.operator.OperatorHarness.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.api.RolloutVerdict;
import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.cli.demo.SimulatedCluster.Pods;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which verdicts exist, and which policy guards each: creation, takeover, conflicts, unguarding, deletion. */
class VerdictLifecycleIT {
  OperatorHarness h;

  @BeforeEach
  void start() {
    h = new OperatorHarness().startOperator();
  }

  @AfterEach
  void stop() {
    h.close();
  }

  private RolloutVerdict awaitVerdict(java.util.function.Predicate<RolloutVerdict> p) {
    return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
        .until(() -> h.verdict("checkout"), v -> v != null && v.getStatus() != null && p.test(v));
  }

  // An edit races with the operator's status writes (409), as a kubectl edit would: try again, as kubectl does.
  private void relabel(Map<String, String> labels) {
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
      h.client.apps().deployments().inNamespace(NS).withName("checkout").edit(d -> {
        d.getMetadata().setLabels(labels);
        return d;
      });
      return true;
    });
  }

  private void select(String policy, Map<String, String> labels) {
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
      h.client.resources(RollbackPolicy.class).inNamespace(NS).withName(policy).edit(p -> {
        p.getSpec().selector.setMatchLabels(labels);
        return p;
      });
      return true;
    });
  }

  @Test
  void theOlderPolicyGuardsASelectorEditHandsTheVerdictOverWithItsLatchAndStableRevision() {
    h.createPolicy("checkout", "checkout", FAST);
    h.cluster.deploy(NS, "checkout", Map.of("app", "checkout", "tier", "web"), 2,
        Map.of("app", "registry/checkout:v1"));
    awaitVerdict(v -> v.getStatus().phase == Phase.Stable);
    RollbackPolicy web = h.createPolicy("web", Map.of("tier", "web"), FAST);
    // the newer policy selects it too, but the older one guards it: listed once under conflicts, one Warning Event
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
      assertThat(h.policy("web").getStatus().conflicts).singleElement()
          .satisfies(c -> assertThat(c.deployment + "<-" + c.guardedBy).isEqualTo("checkout<-checkout"));
      assertThat(h.policy("web").getStatus().targets).isZero();
    });
    h.cluster.rollout(NS, "checkout", Map.of("app", "registry/checkout:v2"), Pods.CrashLooping);
    RolloutVerdict latched = awaitVerdict(v -> v.getStatus().action == Action.RollbackRapid);
    assertThat(latched.getSpec().policy).isEqualTo("checkout");

    select("checkout", Map.of("app", "elsewhere"));
    RolloutVerdict taken = awaitVerdict(v -> "web".equals(v.getSpec().policy));
    assertThat(taken.getMetadata().getLabels()).containsEntry(RolloutVerdict.POLICY_LABEL, "web");
    assertThat(taken.getMetadata().getAnnotations()).containsEntry(RolloutVerdict.PREVIOUS_POLICY_ANNOTATION,
        "checkout");
    RolloutVerdictStatus s = taken.getStatus();
    assertThat(s.action).isEqualTo(Action.RollbackRapid);
    assertThat(s.stableRevision).isEqualTo(1L);
    assertThat(s.procedure.mentions("--to-revision=1")).isTrue();
    assertThat(s.timeline).extracting(e -> e.event).contains("RollbackRecommended");
    // both summaries follow within a reconcile: the one it left, and the one that took it
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
      assertThat(h.policy("checkout").getStatus().targets).isZero();
      assertThat(h.policy("web").getStatus().targets).isEqualTo(1);
      assertThat(h.policy("web").getStatus().action).isEqualTo("RollbackRapid");
      assertThat(h.policy("web").getStatus().conflicts).isEmpty();
    });
    List<Event> conflicts = h.client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> "GuardConflict".equals(e.getReason())).toList();
    assertThat(conflicts).hasSize(1).allSatisfy(e -> assertThat(e.getInvolvedObject().getName()).isEqualTo(
        web.getMetadata().getName()));
  }

  @Test
  void aDeploymentNoPolicySelectsKeepsALatchedRollbackUnguardedUntilItIsDismissed() {
    h.createPolicy("checkout", "checkout", FAST);
    h.cluster.deploy(NS, "checkout", Map.of("app", "checkout"), 2, Map.of("app", "registry/checkout:v1"));
    awaitVerdict(v -> v.getStatus().phase == Phase.Stable);
    h.cluster.rollout(NS, "checkout", Map.of("app", "registry/checkout:v2"), Pods.CrashLooping);
    awaitVerdict(v -> v.getStatus().action == Action.RollbackRapid);

    relabel(Map.of("app", "renamed"));
    RolloutVerdict unguarded = awaitVerdict(v -> Boolean.FALSE.equals(v.getStatus().guarded));
    assertThat(unguarded.getStatus().action).isEqualTo(Action.RollbackRapid);
    assertThat(unguarded.getStatus().reason).startsWith("no policy guards it now");
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
      assertThat(h.policy("checkout").getStatus().targets).isZero();
      assertThat(h.policy("checkout").getStatus().recommendations).singleElement()
          .satisfies(r -> assertThat(r.action).isEqualTo(Action.RollbackRapid));
    });

    h.cluster.annotate(NS, "checkout", "rollbackguard.io/dismiss", "2");
    await().atMost(Duration.ofSeconds(20)).until(() -> h.verdict("checkout") == null);
  }

  /** How many reconciles the verdict controller ran, from JOSDK's timer in the operator's metrics. */
  private double verdictReconciles() {
    String series = "operator_sdk_controllers_execution_reconcile_seconds_count{controller=\""
        + VerdictReconciler.NAME + "\"";
    return h.operator.registry().scrape().lines().filter(l -> l.startsWith(series))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .reduce(Double::sum).orElseThrow(() -> new AssertionError("no series " + series + " in the metrics"));
  }

  @Test
  void aPolicyStatusWriteReEvaluatesNoVerdictAndASpecEditReEvaluatesThem() {
    h.createPolicy("checkout", "checkout", FAST);
    h.cluster.deploy(NS, "checkout", Map.of("app", "checkout"), 1, Map.of("app", "registry/checkout:v1"));
    awaitVerdict(v -> v.getStatus().phase == Phase.Stable);
    await().atMost(Duration.ofSeconds(20)).until(() -> h.policy("checkout").getStatus() != null
        && Map.of("Stable", 1).equals(h.policy("checkout").getStatus().phases));
    double before = verdictReconciles();
    // Three status writes and a label, as the summary and a GitOps tool make them: nothing a verdict reads of its
    // policy. Each used to re-evaluate every verdict of the policy.
    for (int i = 0; i < 3; i++) {
      String reason = "written by the test " + i;
      h.client.resources(RollbackPolicy.class).inNamespace(NS).withName("checkout").editStatus(p -> {
        p.getStatus().reason = reason;
        return p;
      });
    }
    h.editPolicy("checkout", p -> p.getMetadata().setLabels(Map.of("team", "payments")));
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
        .until(() -> verdictReconciles() == before);
    // a spec edit is read by the verdicts: the suspension shows in the verdict's reason
    h.editPolicy("checkout", p -> p.getSpec().suspend = true);
    awaitVerdict(v -> v.getStatus().reason != null && v.getStatus().reason.contains("suspended"));
    assertThat(verdictReconciles()).isGreaterThan(before);
  }

  @Test
  void aQuietVerdictGoesWhenItsDeploymentLeavesThePolicyAndComesBackWhenItReturns() {
    h.createPolicy("checkout", "checkout", FAST);
    h.cluster.deploy(NS, "checkout", Map.of("app", "checkout"), 1, Map.of("app", "registry/checkout:v1"));
    awaitVerdict(v -> v.getStatus().phase == Phase.Stable);
    relabel(Map.of("app", "renamed"));
    await().atMost(Duration.ofSeconds(20)).until(() -> h.verdict("checkout") == null);
    relabel(Map.of("app", "checkout"));
    awaitVerdict(v -> v.getStatus().phase == Phase.Stable);
  }

  @Test
  void aDeletedDeploymentTakesItsVerdictWithIt() {
    h.createPolicy("checkout", "checkout", FAST);
    h.cluster.deploy(NS, "checkout", Map.of("app", "checkout"), 1, Map.of("app", "registry/checkout:v1"));
    RolloutVerdict v = awaitVerdict(x -> x.getStatus().phase == Phase.Stable);
    assertThat(v.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
      assertThat(o.getKind()).isEqualTo("Deployment");
      assertThat(o.getName()).isEqualTo("checkout");
      assertThat(o.getBlockOwnerDeletion()).isNull();
    });
    h.client.apps().deployments().inNamespace(NS).withName("checkout").delete();
    await().atMost(Duration.ofSeconds(20)).until(() -> h.verdict("checkout") == null);
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
        .untilAsserted(() -> assertThat(h.policy("checkout").getStatus().targets).isZero());
  }

  @Test
  void aDeploymentCreatedAgainUnderItsNameIsGuardedEvenIfItsOldVerdictsDeleteNeverReachedTheCaches() {
    h.createPolicy("checkout", "checkout", FAST);
    h.cluster.deploy(NS, "checkout", Map.of("app", "checkout"), 1, Map.of("app", "registry/checkout:v1"));
    String firstUid = h.client.apps().deployments().inNamespace(NS).withName("checkout").get().getMetadata().getUid();
    awaitVerdict(x -> x.getStatus().phase == Phase.Stable);
    // the operator's watches of the verdicts never hear of this delete: its caches keep the old verdict
    h.k8s.loseNextDelete("/apis/rollbackguard.io/v1alpha1/rolloutverdicts", "checkout");
    h.client.apps().deployments().inNamespace(NS).withName("checkout").delete();
    h.client.apps().replicaSets().inNamespace(NS).delete();
    h.client.pods().inNamespace(NS).delete();
    await().atMost(Duration.ofSeconds(20)).until(() -> h.verdict("checkout") == null);

    h.cluster.deploy(NS, "checkout", Map.of("app", "checkout"), 1, Map.of("app", "registry/checkout:v2"));
    String secondUid = h.client.apps().deployments().inNamespace(NS).withName("checkout").get().getMetadata()
        .getUid();
    assertThat(secondUid).isNotEqualTo(firstUid);
    RolloutVerdict again = awaitVerdict(x -> x.getStatus().phase != null);
    assertThat(again.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(secondUid));
  }
}
