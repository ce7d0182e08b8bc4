package io.rollbackguard.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollbackguard.TestingPolicies;
import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.operator.TargetEvaluator;
import io.rollbackguard.policy.CompiledPolicy;
import io.rollbackguard.rollout.RolloutSnapshot;
import io.rollbackguard.signals.PodState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecommendationAlertTest {
  static final long T0 = 1_800_000_000_000L;
  final TargetEvaluator evaluator = new TargetEvaluator();
  final CompiledPolicy policy = TestingPolicies.compile("  observation: {window: 2m, interval: 30s}\n"
      + "  notifications: {labels: {team: payments}}\n", false);

  static RolloutSnapshot revision(long revision, Map<String, String> annotations, Long createdAt, boolean complete) {
    return new RolloutSnapshot("shop", "checkout", Map.of("app", "checkout"), annotations, revision, "h" + revision,
        Map.of("app", "registry/checkout:v" + revision), 3, complete ? 3 : 1, complete, false, Map.of(
            "h6", new RolloutSnapshot.HistoryEntry(6, Map.of("app", "registry/checkout:v6")),
            "h7", new RolloutSnapshot.HistoryEntry(7, Map.of("app", "registry/checkout:v7"))), createdAt);
  }

  /** Revision 6 adopted as stable, then revision 7 crash-loops until the rapid tier fires. */
  RolloutVerdictStatus crashLoopingRevision7() {
    RolloutVerdictStatus s = evaluator.evaluate(policy, revision(6, Map.of(), T0 - 86_400_000L, true), List.of(),
        null, null, T0).status();
    List<PodState> looping = List.of(new PodState("p", true, 5));
    for (long t = T0 + 1_000; t <= T0 + 91_000; t += 30_000) {
      s = evaluator.evaluate(policy, revision(7, Map.of(), T0 + 1_000, false), looping, null, s, t).status();
    }
    assertThat(s.action).isEqualTo(Action.RollbackRapid);
    return s;
  }

  Optional<Alert> alert(CompiledPolicy compiled, RolloutVerdictStatus status) {
    return RecommendationAlert.of("shop", "checkout", "checkout-policy", compiled.notifications(), status, T0);
  }

  @Test
  void aRapidRecommendationIsAHighSeverityAlertWithItsEvidenceDeadlineAndCommands() {
    RolloutVerdictStatus s = crashLoopingRevision7();
    Alert a = alert(policy, s).orElseThrow();
    assertThat(a.labels()).containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of("alertname", "RollbackRecommended",
        "namespace", "shop", "deployment", "checkout", "policy", "checkout-policy", "revision", "7",
        "action", "RollbackRapid", "tier", "rapid", "severity", "high", "team", "payments")));
    assertThat(a.annotations().get("summary")).isEqualTo(s.reason);
    assertThat(a.annotations().get("description")).contains("rapid crashLooping (Fired since ")
        .endsWith(": 1 pod of the new revision crash-looping");
    assertThat(a.annotations().get("decide_by")).isEqualTo(s.decideBy);
    assertThat(a.annotations().get("procedure")).contains("# Roll back")
        .contains("\nkubectl rollout undo deployment/checkout -n shop --to-revision=6");
    assertThat(a.annotations().get("runbook")).isEqualTo("rollback-guard runbook -n shop checkout");
    assertThat(a.startsAt()).isEqualTo(s.evaluation.recommendation.raisedAt());
  }

  @Test
  void onceTheDeadlinePassesTheAlertSaysSoAndStillStartsWhenTheRecommendationAppeared() {
    RolloutVerdictStatus s = crashLoopingRevision7();
    Alert before = alert(policy, s).orElseThrow();
    long decideBy = Instant.parse(s.decideBy).toEpochMilli();
    RolloutVerdictStatus late = evaluator.evaluate(policy, revision(7, Map.of(), T0 + 1_000, false),
        List.of(new PodState("p", true, 5)), null, s, decideBy).status();
    assertThat(late.timeline).extracting(e -> e.event).contains("DeadlinePassed");
    Alert after = alert(policy, late).orElseThrow();
    assertThat(after.labels()).containsEntry("deadline", "passed");
    assertThat(after.sameAs(before)).isFalse();
    assertThat(after.startsAt()).isEqualTo(before.startsAt());
  }

  @Test
  void aDismissedRecommendationWantsNoAlert() {
    RolloutVerdictStatus s = crashLoopingRevision7();
    RolloutVerdictStatus dismissed = evaluator.evaluate(policy, revision(7, Map.of("rollbackguard.io/dismiss", "7"),
        T0 + 1_000, false), List.of(new PodState("p", true, 5)), null, s, T0 + 100_000).status();
    assertThat(dismissed.action).isEqualTo(Action.None);
    assertThat(alert(policy, dismissed)).isEmpty();
  }

  @Test
  void anActionBelowMinActionNotifiesNothingAndAnImmediateOneIsCritical() {
    CompiledPolicy rollbacksOnly = TestingPolicies.compile("  notifications: {minAction: RollbackRapid}\n", false);
    RolloutVerdictStatus adopted = evaluator.evaluate(rollbacksOnly, revision(6, Map.of(), T0 - 86_400_000L, true),
        List.of(), null, null, T0).status();
    RolloutVerdictStatus minor = evaluator.evaluate(rollbacksOnly, revision(6,
        Map.of("rollbackguard.io/declare", "minor-bug"), T0 - 86_400_000L, true), List.of(), null, adopted,
        T0 + 1_000).status();
    assertThat(minor.action).isEqualTo(Action.Evaluate);
    assertThat(alert(rollbacksOnly, minor)).isEmpty();
    assertThat(alert(policy, minor).orElseThrow().labels()).containsEntry("severity", "warning");
    RolloutVerdictStatus flaw = evaluator.evaluate(rollbacksOnly, revision(6,
        Map.of("rollbackguard.io/declare", "security-flaw"), T0 - 86_400_000L, true), List.of(), null, minor,
        T0 + 2_000).status();
    assertThat(alert(rollbacksOnly, flaw).orElseThrow().labels()).containsEntry("severity", "critical")
        .containsEntry("action", "RollbackImmediate").containsEntry("tier", "immediate");
  }
}
