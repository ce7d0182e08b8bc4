package io.rollbackguard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollbackguard.TestingPolicies;
import io.rollbackguard.api.CrdSchema;
import io.rollbackguard.api.RolloutVerdict;
import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.policy.CompiledPolicy;
import io.rollbackguard.rollout.RolloutSnapshot.HistoryEntry;
import io.rollbackguard.rollout.RolloutSnapshot;
import io.rollbackguard.signals.PodState;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * DESIGN.md §1b, the watch as the operator records it: the rollback target while watched, and how a rollout during the
 * watch ends it. Revision 6 (template h6) is the adopted stable one; revision 7 (h7) rolls out at T0 + 1s, its 2m
 * window closes at T0 + 150s, and its watch of 10m every 1m samples T0 + 180s ... T0 + 780s.
 */
class WatchedRolloutTest {
  static final long T0 = 1_800_000_000_000L; // a whole minute: on every grid below
  static final long WATCH_LAST = T0 + 780_000;
  final TargetEvaluator evaluator = new TargetEvaluator();
  final CompiledPolicy policy = TestingPolicies.compile(
      "  observation: {window: 2m, interval: 30s, watch: {for: 10m, interval: 1m}}\n", false);
  final Map<String, HistoryEntry> history = new LinkedHashMap<>();
  RolloutVerdictStatus status;

  static Map<String, String> images(String hash) {
    return Map.of("app", "registry/checkout:" + hash);
  }

  RolloutSnapshot rollout(long revision, String hash, boolean complete, long createdAt) {
    history.put(hash, new HistoryEntry(revision, images(hash)));
    return new RolloutSnapshot("shop", "checkout", Map.of("app", "checkout"), Map.of(), revision, hash, images(hash),
        3, complete ? 3 : 2, complete, false, Map.copyOf(history), createdAt);
  }

  RolloutVerdictStatus evaluate(RolloutSnapshot s, List<PodState> pods, long now) {
    status = evaluator.evaluate(policy, s, pods, null, status, now).status();
    return status;
  }

  /** Revision 6 adopted, revision 7 through its window: watched from T0 + 150s. */
  RolloutSnapshot watchedSeven() {
    evaluate(rollout(6, "h6", true, T0 - 86_400_000L), List.of(), T0);
    RolloutSnapshot seven = rollout(7, "h7", true, T0 + 1_000);
    for (long t = T0 + 1_000; t <= T0 + 150_000; t += t == T0 + 1_000 ? 29_000 : 30_000) {
      evaluate(seven, List.of(), t);
    }
    return seven;
  }

  private List<String> events() {
    return status.timeline.stream().map(e -> e.event).toList();
  }

  @Test
  void aWatchedRevisionIsNotTheStableOneYet() {
    watchedSeven();
    assertThat(status.phase).isEqualTo(Phase.Watching);
    assertThat(status.revision).isEqualTo(7L);
    assertThat(status.stableRevision).isEqualTo(6L);
    assertThat(status.observeUntil).isEqualTo(Times.format(T0 + 150_000));
    assertThat(status.watchUntil).isEqualTo(Times.format(WATCH_LAST));
    assertThat(events()).contains("WatchStarted").doesNotContain("ObservationPassed");
    CrdSchema.load(Path.of("crds/rolloutverdicts.rollbackguard.io-v1.yml")).assertFits(verdict(status));
  }

  @Test
  void aLateBreachRecommendsRollingBackToTheRevisionStableBeforeTheWatchedOne() {
    RolloutSnapshot seven = watchedSeven();
    evaluate(seven, List.of(), T0 + 180_000);
    RolloutVerdictStatus s = evaluate(seven, List.of(new PodState("checkout-h7-a", true, 4)), T0 + 240_000);
    assertThat(s.phase).isEqualTo(Phase.Breached);
    assertThat(s.action).isEqualTo(Action.RollbackRapid);
    assertThat(s.decideBy).isEqualTo(Times.format(T0 + 240_000 + 1_800_000));
    assertThat(s.procedure.mentions("kubectl rollout undo deployment/checkout -n shop --to-revision=6")).isTrue();
    assertThat(s.lastIncident.revision).isEqualTo(7L);
  }

  @Test
  void aWatchThatEndsWithNothingFiredMakesTheWatchedRevisionStable() {
    RolloutSnapshot seven = watchedSeven();
    for (long t = T0 + 180_000; t < WATCH_LAST; t += 60_000) {
      assertThat(evaluate(seven, List.of(), t).stableRevision).isEqualTo(6L);
    }
    RolloutVerdictStatus s = evaluate(seven, List.of(), WATCH_LAST);
    assertThat(s.phase).isEqualTo(Phase.Stable);
    assertThat(s.stableRevision).isEqualTo(7L);
    assertThat(s.stableImages).containsExactly("registry/checkout:h7");
    assertThat(events()).endsWith("ObservationPassed");
  }

  /**
   * A rollout during the watch ends it: to a new template (h8), the watched revision 7 passed its window and is
   * promoted; back to the stable template h6 (kubectl rollout undo, re-numbered 8), it is not.
   */
  @ParameterizedTest(name = "to {0}: stable revision {1}")
  @CsvSource({"h8, 7, registry/checkout:h7, cut short by a new rollout",
      "h6, 8, registry/checkout:h6, ended with a rollback to the stable template"})
  void aRolloutDuringTheWatchEndsIt(String hash, long stableRevision, String stableImage, String said) {
    RolloutSnapshot seven = watchedSeven();
    evaluate(seven, List.of(), T0 + 180_000);
    history.remove(hash); // kubectl rollout undo moves the old template's ReplicaSet to the new revision number
    RolloutSnapshot eight = rollout(8, hash, false, T0 + 200_000);
    RolloutVerdictStatus s = evaluate(eight, List.of(), T0 + 200_000);
    assertThat(s.revision).isEqualTo(8L);
    assertThat(s.phase).isIn(Phase.Observing, Phase.Pending);
    assertThat(s.stableRevision).isEqualTo(stableRevision);
    assertThat(s.stableImages).containsExactly(stableImage);
    assertThat(s.timeline).filteredOn(e -> e.event.equals("WatchEnded")).singleElement()
        .satisfies(e -> assertThat(e.message).contains("the watch of revision 7").contains(said));
  }

  @Test
  void aNewRolloutAfterABreachInTheWatchPromotesNothing() {
    RolloutSnapshot seven = watchedSeven();
    evaluate(seven, List.of(new PodState("checkout-h7-a", true, 4)), T0 + 180_000);
    RolloutVerdictStatus s = evaluate(rollout(8, "h8", false, T0 + 200_000), List.of(), T0 + 200_000);
    assertThat(s.stableRevision).isEqualTo(6L);
    assertThat(events()).doesNotContain("WatchEnded");
  }

  @Test
  void theNextBadRolloutAfterAPromotionByCutRollsBackToTheWatchedRevision() {
    RolloutSnapshot seven = watchedSeven();
    evaluate(seven, List.of(), T0 + 180_000);
    RolloutSnapshot eight = rollout(8, "h8", false, T0 + 200_000);
    evaluate(eight, List.of(), T0 + 200_000);
    RolloutVerdictStatus s = evaluate(eight, List.of(new PodState("checkout-h8-a", true, 4)), T0 + 210_000);
    assertThat(s.action).isEqualTo(Action.RollbackRapid);
    assertThat(s.procedure.mentions("--to-revision=7")).isTrue();
  }

  /** Adoption waits for window + watch.for (12m here): a revision younger than that may still be the bad one. */
  @ParameterizedTest(name = "created {0}s before first sight: {1}")
  @CsvSource({"600, Observing", "900, Stable"})
  void aRevisionFirstSeenIsAdoptedOnlyPastItsWindowAndWatch(long ageSeconds, Phase phase) {
    RolloutVerdictStatus s = evaluate(rollout(6, "h6", true, T0 - ageSeconds * 1000), List.of(), T0);
    assertThat(s.phase).isEqualTo(phase);
  }

  private static RolloutVerdict verdict(RolloutVerdictStatus status) {
    RolloutVerdict v = new RolloutVerdict();
    v.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("checkout").withNamespace("shop")
        .build());
    v.setSpec(new io.rollbackguard.api.spec.RolloutVerdictSpec("checkout", "p"));
    v.setStatus(status);
    return v;
  }
}
