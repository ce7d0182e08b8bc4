package io.rollbackguard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollbackguard.TestingPolicies;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.policy.CompiledPolicy;
import io.rollbackguard.rollout.RolloutSnapshot;
import io.rollbackguard.verdict.Action;
import io.rollbackguard.verdict.Phase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetEvaluatorTest {
  final TargetEvaluator evaluator = new TargetEvaluator();
  final CompiledPolicy policy = TestingPolicies.compile("  observation: {window: 2m, interval: 30s}\n", false);
  static final long T0 = 1_800_000_000_000L;

  static RolloutSnapshot snapshot(long revision, boolean complete, Long createdAt, Map<String, String> annotations) {
    Map<String, RolloutSnapshot.HistoryEntry> history = Map.of("h" + revision,
        new RolloutSnapshot.HistoryEntry(revision, Map.of("app", "registry/checkout:v" + revision)),
        "h" + (revision - 1), new RolloutSnapshot.HistoryEntry(revision - 1,
            Map.of("app", "registry/checkout:v" + (revision - 1))));
    return new RolloutSnapshot("shop", "checkout", Map.of("app", "checkout"), annotations, revision, "h" + revision,
        Map.of("app", "registry/checkout:v" + revision), 3, complete ? 3 : 2, complete, false, history, createdAt);
  }

  @Test
  void aDeclarationOnTheStableRevisionNeverRollsBackToItself() {
    RolloutVerdictStatus adopted = evaluator.evaluate(policy, snapshot(7, true, null, Map.of()), List.of(), null,
        null, T0).status();
    RolloutVerdictStatus declared = evaluator.evaluate(policy, snapshot(7, true, null,
        Map.of("rollbackguard.io/declare", "data-corruption")), List.of(), null, adopted, T0 + 60_000).status();
    assertThat(declared.action).isEqualTo(Action.RollbackImmediate);
    assertThat(declared.procedure.mentions("--to-revision=7")).isFalse();
    assertThat(declared.procedure.mentions("kubectl rollout undo deployment/checkout -n shop")).isTrue();
    assertThat(declared.procedure.mentions("Unverified target")).isTrue();
  }

  @Test
  void aDeploymentFirstSeenMidRolloutLongAfterItsReplicaSetWasMadeGetsAWindowFromNow() {
    RolloutVerdictStatus first = evaluator.evaluate(policy, snapshot(7, false, T0 - 86_400_000L, Map.of()), List.of(),
        null, null, T0).status();
    assertThat(first.phase).isEqualTo(Phase.Observing);
    assertThat(first.rolloutStartedAt).isEqualTo(Times.format(T0));
  }
}
