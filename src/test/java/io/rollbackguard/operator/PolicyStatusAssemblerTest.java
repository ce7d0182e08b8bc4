package io.rollbackguard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.rollbackguard.api.RolloutVerdict;
import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.api.status.RollbackPolicyStatus;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyStatusAssemblerTest {
  static final long NOW = 1_800_000_000_000L;

  private static Condition condition(RollbackPolicyStatus s, String type) {
    return s.conditions.stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
  }

  @Test
  void aPolicyThatBecomesInvalidKeepsShowingTheRollbackItRecommended() {
    RollbackPolicyStatus before = new RollbackPolicyStatus();
    before.action = "RollbackImmediate";
    before.decideBy = "2027-01-15T08:05:00Z";
    before.targets = 1;
    RollbackPolicyStatus after = PolicyStatusAssembler.invalid(before, 3, "spec.observation.window: 'x' is not a duration", NOW);
    assertThat(after.action).isEqualTo("RollbackImmediate");
    assertThat(after.decideBy).isEqualTo("2027-01-15T08:05:00Z");
    assertThat(condition(after, "Ready").getStatus()).isEqualTo("False");
    assertThat(condition(after, "Ready").getMessage()).contains("spec.observation.window");
    assertThat(condition(after, "RollbackRecommended").getStatus()).isEqualTo("True");
  }

  @Test
  void aConditionKeepsItsTransitionTimeWhileItsStatusHolds() {
    RollbackPolicyStatus first = PolicyStatusAssembler.invalid(null, 1, "bad", NOW);
    RollbackPolicyStatus later = PolicyStatusAssembler.invalid(first, 1, "still bad", NOW + 60_000);
    assertThat(condition(later, "Ready").getLastTransitionTime()).isEqualTo(Times.format(NOW));
    assertThat(condition(later, "Ready").getMessage()).isEqualTo("still bad");
  }

  private static RolloutVerdict verdict(String name, Phase phase, Action action, Boolean guarded) {
    RolloutVerdict v = new RolloutVerdict();
    v.getMetadata().setName(name);
    v.getMetadata().setNamespace("shop");
    RolloutVerdictStatus d = new RolloutVerdictStatus();
    d.phase = phase;
    d.action = action;
    d.guarded = guarded;
    d.reason = "r";
    v.setStatus(d);
    return v;
  }

  @Test
  void theSummaryCountsAndTheVerdictGaugeComeFromOneTallyOfGuardedVerdicts() {
    List<RolloutVerdict> verdicts = List.of(verdict("a", Phase.Stable, Action.None, true),
        verdict("b", Phase.Stable, null, null), verdict("c", Phase.Breached, Action.RollbackRapid, true),
        verdict("d", Phase.Breached, Action.RollbackRapid, false), verdict("e", null, null, true));
    Map<String, Map<String, Integer>> tally = PolicyStatusAssembler.byPhaseAndAction(verdicts);
    assertThat(tally).isEqualTo(Map.of("Stable", Map.of("None", 2), "Breached", Map.of("RollbackRapid", 1)));
    RollbackPolicyStatus s = PolicyStatusAssembler.assemble(null, verdicts, new PolicyStatusAssembler.Context(
        "shop", 1, false, Set.of(), null, List.of(), NOW));
    assertThat(s.phases).isEqualTo(Map.of("Stable", 2, "Breached", 1));
    assertThat(s.actions).isEqualTo(Map.of("None", 2, "RollbackRapid", 1));
  }
  /** A watched revision is not stable yet: the summary's reason says which ones are watched, not "all stable". */
  @Test
  void watchedRevisionsAreSaidInTheReasonAndCountedByPhase() {
    RolloutVerdict watched = verdict("b", Phase.Watching, Action.None, true);
    watched.getStatus().revision = 7L;
    watched.getStatus().observeUntil = "2026-11-27T14:45:00Z";
    List<RolloutVerdict> verdicts = List.of(verdict("a", Phase.Stable, Action.None, true), watched,
        verdict("c", Phase.Watching, Action.None, true));
    RollbackPolicyStatus s = PolicyStatusAssembler.assemble(null, verdicts, new PolicyStatusAssembler.Context(
        "shop", 1, false, Set.of(), null, List.of(), NOW));
    assertThat(s.reason).isEqualTo("b: watching revision 7, which passed its window at 2026-11-27T14:45:00Z"
        + " (and 1 more watching)");
    assertThat(s.phases).isEqualTo(Map.of("Stable", 1, "Watching", 2));
  }
}
