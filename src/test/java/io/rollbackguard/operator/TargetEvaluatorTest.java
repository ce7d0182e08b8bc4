package io.rollbackguard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollbackguard.TestingPolicies;
import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.LastIncident;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.policy.CompiledPolicy;
import io.rollbackguard.rollout.RolloutSnapshot;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetEvaluatorTest {
  final TargetEvaluator evaluator = new TargetEvaluator();
  final CompiledPolicy policy = TestingPolicies.compile("  observation: {window: 2m, interval: 30s}\n", false);
  static final long T0 = 1_800_000_000_000L;
  static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
  /** A ReplicaSet made a day before T0: a complete rollout of it, first seen, is adopted (older than the window). */
  static final Long LONG_AGO = T0 - 86_400_000L;

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
    RolloutVerdictStatus adopted = evaluator.evaluate(policy, snapshot(7, true, LONG_AGO, Map.of()), List.of(), null,
        null, T0).status();
    RolloutVerdictStatus declared = evaluator.evaluate(policy, snapshot(7, true, LONG_AGO,
        Map.of("rollbackguard.io/declare", "data-corruption")), List.of(), null, adopted, T0 + 60_000).status();
    assertThat(declared.action).isEqualTo(Action.RollbackImmediate);
    assertThat(declared.procedure.mentions("--to-revision=7")).isFalse();
    assertThat(declared.procedure.mentions("kubectl rollout undo deployment/checkout -n shop")).isTrue();
    assertThat(declared.procedure.mentions("Unverified target")).isTrue();
  }

  @Test
  void aCompleteRolloutFirstSeenYoungerThanTheWindowIsObservedNotAdopted() {
    RolloutVerdictStatus first = evaluator.evaluate(policy, snapshot(7, true, T0 - 60_000, Map.of()), List.of(),
        null, null, T0).status();
    assertThat(first.phase).isEqualTo(Phase.Observing);
    assertThat(first.stableRevision).isNull();
    assertThat(first.rolloutStartedAt).isEqualTo(Times.format(T0 - 60_000));
  }

  @Test
  void aDeploymentFirstSeenMidRolloutLongAfterItsReplicaSetWasMadeGetsAWindowFromNow() {
    RolloutVerdictStatus first = evaluator.evaluate(policy, snapshot(7, false, T0 - 86_400_000L, Map.of()), List.of(),
        null, null, T0).status();
    assertThat(first.phase).isEqualTo(Phase.Observing);
    assertThat(first.rolloutStartedAt).isEqualTo(Times.format(T0));
  }

  @Test
  void anIncidentKeepsItsEvidenceOnceOnlyAndTheRollbackThatEndsItCopiesItForThePostmortem() {
    RolloutVerdictStatus adopted = evaluator.evaluate(policy, snapshot(6, true, LONG_AGO, Map.of()), List.of(), null,
        null, T0).status();
    // revision 7 rolls out and crash-loops
    RolloutSnapshot bad = new RolloutSnapshot("shop", "checkout", Map.of("app", "checkout"), Map.of(), 7L, "h7",
        Map.of("app", "registry/checkout:v7"), 3, 1, false, false, Map.of(
            "h6", new RolloutSnapshot.HistoryEntry(6, Map.of("app", "registry/checkout:v6")),
            "h7", new RolloutSnapshot.HistoryEntry(7, Map.of("app", "registry/checkout:v7"))), T0 + 1_000);
    List<io.rollbackguard.signals.PodState> looping = List.of(new io.rollbackguard.signals.PodState("p", true, 5));
    assertThat(adopted.stableRevision).isEqualTo(6L);
    RolloutVerdictStatus s = evaluator.evaluate(policy, bad, looping, null, adopted, T0 + 1_000).status();
    for (long t = T0 + 30_000; t <= T0 + 90_000; t += 30_000) {
      s = evaluator.evaluate(policy, bad, looping, null, s, t).status();
    }
    assertThat(s.action).isEqualTo(Action.RollbackRapid);
    assertThat(s.lastIncident.resolution).isEqualTo(LastIncident.Resolution.Open);
    assertThat(s.lastIncident.revision).isEqualTo(7L);
    assertThat(s.lastIncident.findings).as("not kept twice while open").isEmpty();
    assertThat(s.lastIncident.procedure).isNull();

    // `kubectl rollout undo`: revision 6's template comes back as revision 8
    RolloutSnapshot undone = new RolloutSnapshot("shop", "checkout", Map.of("app", "checkout"), Map.of(), 8L, "h6",
        Map.of("app", "registry/checkout:v6"), 3, 3, true, false, Map.of(
            "h6", new RolloutSnapshot.HistoryEntry(8, Map.of("app", "registry/checkout:v6")),
            "h7", new RolloutSnapshot.HistoryEntry(7, Map.of("app", "registry/checkout:v7"))), null);
    RolloutVerdictStatus back = evaluator.evaluate(policy, undone, List.of(), null, s, T0 + 100_000).status();
    assertThat(back.action).isEqualTo(Action.None);
    assertThat(back.lastIncident.resolution).isEqualTo(LastIncident.Resolution.RolledBack);
    assertThat(back.lastIncident.revision).isEqualTo(7L);
    assertThat(back.lastIncident.resolvedAt).isEqualTo(Times.format(T0 + 100_000));
    assertThat(back.lastIncident.findings).extracting(f -> f.signal).contains("crashLooping");
    assertThat(back.lastIncident.procedure.mentions("--to-revision=6")).isTrue();
  }

  /**
   * The operator hands reconcilers the informer's cached verdict, not a copy (RollbackGuardOperator's cloner): the
   * status an evaluation starts from must come out of it unchanged, through a rollout, a crash loop, a rollback
   * recommended and the undo that ends it.
   */
  @Test
  void anEvaluationNeverChangesTheStatusItStartsFrom() {
    RolloutSnapshot bad = new RolloutSnapshot("shop", "checkout", Map.of("app", "checkout"), Map.of(), 7L, "h7",
        Map.of("app", "registry/checkout:v7"), 3, 1, false, false, Map.of(
            "h6", new RolloutSnapshot.HistoryEntry(6, Map.of("app", "registry/checkout:v6")),
            "h7", new RolloutSnapshot.HistoryEntry(7, Map.of("app", "registry/checkout:v7"))), T0 + 1_000);
    RolloutSnapshot undone = new RolloutSnapshot("shop", "checkout", Map.of("app", "checkout"), Map.of(), 8L, "h6",
        Map.of("app", "registry/checkout:v6"), 3, 3, true, false, Map.of(
            "h6", new RolloutSnapshot.HistoryEntry(8, Map.of("app", "registry/checkout:v6")),
            "h7", new RolloutSnapshot.HistoryEntry(7, Map.of("app", "registry/checkout:v7"))), null);
    List<io.rollbackguard.signals.PodState> looping = List.of(new io.rollbackguard.signals.PodState("p", true, 5));
    RolloutVerdictStatus s = evaluator.evaluate(policy, snapshot(6, true, LONG_AGO, Map.of()), List.of(), null,
        null, T0).status();
    List<Long> times = List.of(T0 + 1_000, T0 + 30_000, T0 + 60_000, T0 + 90_000, T0 + 100_000);
    int rollbacks = 0;
    for (long t : times) {
      String before = JSON.valueToTree(s).toString();
      RolloutVerdictStatus next = evaluator.evaluate(policy, t < T0 + 100_000 ? bad : undone,
          t < T0 + 100_000 ? looping : List.of(), null, s, t).status();
      assertThat(JSON.valueToTree(s).toString()).as("the status at %d", t).isEqualTo(before);
      rollbacks += next.action != null && next.action.isRollback() ? 1 : 0;
      s = next;
    }
    assertThat(rollbacks).as("the sequence reaches a rollback, so the latch's paths ran").isPositive();
    assertThat(s.lastIncident.resolution).isEqualTo(LastIncident.Resolution.RolledBack);
  }
}
