package io.rollbackguard.verdict;

import static io.rollbackguard.TestingPolicies.kubernetesOnly;
import static io.rollbackguard.TestingPolicies.policy;
import static io.rollbackguard.verdict.EngineRun.obs;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.EvaluationState;
import io.rollbackguard.api.status.FindingState;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.api.status.Tier;
import io.rollbackguard.verdict.EngineRun.Obs;
import io.rollbackguard.verdict.VerdictEvent.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DESIGN.md §1b "The watch": a window of 5m at 30s closes at 300s; its watch of 30m every 2m samples 360s, 480s, ...
 * and ends with its sample at 2160s, the first instant of its grid at or after 300s + 30m.
 */
class WatchTest {
  static final String WATCHED = "  observation: {window: 5m, interval: 30s, watch: {for: 30m, interval: 2m}}\n";
  static final long WATCH_LAST_SECONDS = 2160;

  static Obs healthy() {
    return obs().healthyMetrics();
  }

  /** A run through its whole window, healthy: it closes Stable at 300s and is watched from then. */
  static EngineRun passedWindow(String spec) {
    EngineRun run = new EngineRun(policy(spec));
    run.every(0, 300, healthy());
    return run;
  }

  @Nested
  class Phases {
    @Test
    void aStableCloseIsWatchedNotYetPassed() {
      EngineRun run = passedWindow(WATCHED);
      Verdict v = run.last;
      assertThat(v.phase()).isEqualTo(Phase.Watching);
      assertThat(v.action()).isEqualTo(Action.None);
      assertThat(v.observeUntil()).isEqualTo(300_000);
      assertThat(v.watchUntil()).isEqualTo(WATCH_LAST_SECONDS * 1000);
      // ObservationPassed is what makes a revision the stable one: not before the watch ends
      assertThat(run.eventTypes()).contains(Type.WatchStarted).doesNotContain(Type.ObservationPassed);
      assertThat(run.events).filteredOn(e -> e.type() == Type.WatchStarted).singleElement().satisfies(e -> {
        assertThat(e.at()).isEqualTo(300_000);
        assertThat(e.message()).contains("watched for 30m, every 2m, by the immediate and rapid tiers");
      });
    }

    @Test
    void aWatchWithNothingFiredEndsStableAtItsLastSampleAndPassesThen() {
      EngineRun run = passedWindow(WATCHED);
      for (long t = 360; t < WATCH_LAST_SECONDS; t += 120) {
        run.at(t, healthy());
      }
      Verdict before = run.at(WATCH_LAST_SECONDS - 1, healthy());
      assertThat(before.phase()).isEqualTo(Phase.Watching);
      Verdict v = run.at(WATCH_LAST_SECONDS, healthy());
      assertThat(v.phase()).isEqualTo(Phase.Stable);
      assertThat(v.reason()).isEqualTo("passed its window and its watch");
      assertThat(v.observeUntil()).isEqualTo(300_000);
      assertThat(run.events).filteredOn(e -> e.type() == Type.ObservationPassed).singleElement().satisfies(e -> {
        assertThat(e.at()).isEqualTo(WATCH_LAST_SECONDS * 1000);
        assertThat(e.message()).isEqualTo("revision 7 passed its window and its 30m watch");
      });
      assertThat(run.eventTypes()).doesNotContain(Type.WatchInconclusive);
      assertThat(run.state.takesSamples()).isFalse();
    }

    @Test
    void withoutAWatchAStableCloseIsTheEndAsBefore() {
      EngineRun run = passedWindow("  observation: {window: 5m, interval: 30s}\n");
      assertThat(run.last.phase()).isEqualTo(Phase.Stable);
      assertThat(run.last.watchUntil()).isNull();
      assertThat(run.eventTypes()).contains(Type.ObservationPassed).doesNotContain(Type.WatchStarted);
    }

    @Test
    void anInconclusiveWindowIsNotWatched() {
      EngineRun run = new EngineRun(policy(WATCHED));
      Verdict v = run.every(0, 300, obs());
      assertThat(v.phase()).isEqualTo(Phase.Inconclusive);
      assertThat(run.state.takesSamples()).isFalse();
      assertThat(run.eventTypes()).doesNotContain(Type.WatchStarted);
    }

    @Test
    void aBreachedWindowIsNotWatched() {
      EngineRun run = new EngineRun(policy(WATCHED));
      Verdict v = run.every(0, 300, healthy().errorRate(0.06));
      assertThat(v.phase()).isEqualTo(Phase.Breached);
      assertThat(run.state.takesSamples()).isFalse();
    }
  }

  @Nested
  class Grid {
    @Test
    void theWatchSamplesTheMultiplesOfItsIntervalAfterTheCloseAndStopsAtItsEnd() {
      EngineRun run = passedWindow(WATCHED);
      List<Long> sampled = run.instantsSampled(301, 2400, WatchTest::healthy);
      List<Long> expected = new ArrayList<>();
      for (long t = 360; t <= WATCH_LAST_SECONDS; t += 120) {
        expected.add(t);
      }
      assertThat(sampled).isEqualTo(expected);
      assertThat(run.state.watchSamplesTaken).isEqualTo(expected.size());
      // the window's own counters are the window's record: the watch does not add to them
      assertThat(run.state.samplesTaken).isEqualTo(11);
    }

    @Test
    void theWatchGridIsTheEpochsNotTheClosesWhenTheCloseIsOffIt() {
      // 5m at 30s from 7s: the window's last sample is at 330s; the 2m grid then has 360s, 480s, ...
      EngineRun run = EngineRun.startedAt(policy(WATCHED), 7);
      run.every(30, 330, healthy());
      assertThat(run.last.phase()).isEqualTo(Phase.Watching);
      assertThat(run.instantsSampled(331, 600, WatchTest::healthy)).containsExactly(360L, 480L, 600L);
    }

    @Test
    void theWatchIntervalDefaultsToFourObservationIntervals() {
      EngineRun run = new EngineRun(policy("  observation: {window: 5m, interval: 20s, watch: {for: 10m}}\n"));
      run.every(0, 300, healthy());
      // every 80s from the close at 300s; the watch's last sample is the first at or after 300s + 10m
      assertThat(run.instantsSampled(301, 1200, WatchTest::healthy)).containsExactly(320L, 400L, 480L, 560L, 640L,
          720L, 800L, 880L, 960L);
    }

    @Test
    void metricsReadLateForMissedWatchInstantsCountAndKubernetesOnesAreMissed() {
      EngineRun run = passedWindow(WATCHED);
      Verdict v = run.late(600, healthy(), Map.of(360.0, healthy().errorRate(0.06), 480.0,
          healthy().errorRate(0.06)));
      // 360 and 480 read late from Prometheus: the immediate error rate (for 1m) fires at 480
      assertThat(v.action()).isEqualTo(Action.RollbackImmediate);
      assertThat(v.findings()).anySatisfy(f -> {
        assertThat(f.since()).isEqualTo(360_000L);
        assertThat(f.firedAt()).isEqualTo(480_000L);
      });
      assertThat(run.state.watchSamplesMissed).isEqualTo(2);
      assertThat(run.state.watchSamplesTaken).isEqualTo(1);
    }
  }

  /** Each late breach from 600s on: what the watch (default tiers) makes of it. */
  static Stream<Arguments> lateBreaches() {
    return Stream.of(
        Arguments.of("errorRate 6% (immediate, for 1m)", (Supplier<Obs>) () -> healthy().errorRate(0.06),
            Action.RollbackImmediate, Tier.immediate, 720L, 720L + 300),
        Arguments.of("errorRate 2% (rapid, for 2m)", (Supplier<Obs>) () -> healthy().errorRate(0.02),
            Action.RollbackRapid, Tier.rapid, 720L, 720L + 1800),
        Arguments.of("crashLooping (rapid, for 0s)", (Supplier<Obs>) () -> healthy().crashLooping(1),
            Action.RollbackRapid, Tier.rapid, 600L, 600L + 1800),
        Arguments.of("serviceDown (immediate, for 1m)", (Supplier<Obs>) () -> healthy().replicas(3, 0),
            Action.RollbackImmediate, Tier.immediate, 720L, 720L + 300),
        Arguments.of("latencyP95 1.5s (evaluate: not watched)", (Supplier<Obs>) () -> healthy().latency(1.5),
            Action.None, null, null, null),
        Arguments.of("errorRate 0.5% (evaluate: not watched)", (Supplier<Obs>) () -> healthy().errorRate(0.005),
            Action.None, null, null, null));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("lateBreaches")
  void aLateBreachIsCaughtByTheTiersTheWatchKeepsOnly(String name, Supplier<Obs> breach, Action action, Tier tier,
      Long firesAtSeconds, Long decideBySeconds) {
    EngineRun run = passedWindow(WATCHED);
    run.every(360, 480, healthy());
    List<Long> sampledFrom600 = run.instantsSampled(600, 2400, breach);
    Verdict v = run.last;
    assertThat(v.action()).isEqualTo(action);
    assertThat(v.tier()).isEqualTo(tier);
    if (action == Action.None) {
      assertThat(v.phase()).isEqualTo(Phase.Stable);
      assertThat(v.findings()).noneSatisfy(f -> assertThat(f.state()).isIn(FindingState.Fired,
          FindingState.Breaching));
      assertThat(run.eventTypes()).contains(Type.ObservationPassed);
      return;
    }
    assertThat(v.phase()).isEqualTo(Phase.Breached);
    assertThat(v.actionSince()).isEqualTo(firesAtSeconds * 1000);
    assertThat(v.decideBy()).isEqualTo(decideBySeconds * 1000);
    assertThat(run.eventTypes()).contains(Type.RollbackRecommended).doesNotContain(Type.ObservationPassed);
    // a breached watch still samples to its end, so that a higher tier can escalate
    assertThat(sampledFrom600).endsWith(WATCH_LAST_SECONDS);
  }

  @Nested
  class Tiers {
    static final String EVALUATE_ONLY = "  observation: {window: 5m, interval: 30s,"
        + " watch: {for: 30m, interval: 2m, tiers: [evaluate]}}\n";

    @Test
    void aWatchOfTheEvaluateTierOnlyLeavesTheRollbackTiersSilent() {
      EngineRun run = passedWindow(EVALUATE_ONLY);
      // 6% is above every tier's error-rate threshold: only the evaluate tier's (> 0.1% for 5m) acts
      Verdict v = run.every(360, 1200, healthy().errorRate(0.06));
      assertThat(v.action()).isEqualTo(Action.Evaluate);
      assertThat(v.tier()).isEqualTo(Tier.evaluate);
      assertThat(v.actionSince()).isEqualTo(720_000); // chain from 360s: 720 − 360 ≥ 5m
      assertThat(v.findings()).allSatisfy(f -> assertThat(f.tier()).isIn(Tier.evaluate, null));
      assertThat(run.eventTypes()).doesNotContain(Type.RollbackRecommended);
    }

    @Test
    void chainsOfTiersTheWatchDoesNotKeepEndAtTheClose() {
      EngineRun run = new EngineRun(policy(EVALUATE_ONLY));
      run.every(0, 270, healthy());
      run.at(300, healthy().errorRate(0.02)); // rapid chain starts at the window's last sample
      assertThat(run.state.chains).doesNotContainKey("rapid/errorRate").containsKey("evaluate/errorRate");
    }

    @Test
    void declarationsActWhateverTheTiers() {
      EngineRun run = passedWindow(EVALUATE_ONLY);
      Verdict v = run.at(400, healthy().declare("security-flaw"));
      assertThat(v.action()).isEqualTo(Action.RollbackImmediate);
      assertThat(v.phase()).isEqualTo(Phase.Breached);
      Verdict end = run.at(WATCH_LAST_SECONDS, healthy().declare("security-flaw"));
      assertThat(end.phase()).isEqualTo(Phase.Breached);
      assertThat(run.eventTypes()).doesNotContain(Type.ObservationPassed);
    }
  }

  @Test
  void aBreachThatBeganInTheWindowCarriesItsChainIntoTheWatch() {
    EngineRun run = new EngineRun(policy(WATCHED));
    run.every(0, 210, healthy());
    Verdict closed = run.every(240, 300, healthy().errorRate(0.02)); // 60s of a rapid breach that needs 2m
    assertThat(closed.phase()).isEqualTo(Phase.Watching);
    Verdict v = run.at(360, healthy().errorRate(0.02));
    assertThat(v.action()).isEqualTo(Action.RollbackRapid);
    assertThat(v.actionSince()).isEqualTo(360_000);
    assertThat(v.findings()).anySatisfy(f -> {
      assertThat(f.state()).isEqualTo(FindingState.Fired);
      assertThat(f.since()).isEqualTo(240_000L);
    });
  }

  @Test
  void aHealthyWatchSampleBreaksAChainAsInTheWindow() {
    EngineRun run = new EngineRun(policy(WATCHED));
    run.every(0, 210, healthy());
    run.every(240, 300, healthy().errorRate(0.02));
    run.at(360, healthy());
    Verdict v = run.at(480, healthy().errorRate(0.02));
    assertThat(v.action()).isEqualTo(Action.None);
    assertThat(v.findings()).anySatisfy(f -> assertThat(f.since()).isEqualTo(480_000L));
  }

  @Test
  void aWatchWithTooLittleDataStillEndsStableAndSaysSo() {
    EngineRun run = passedWindow(WATCHED);
    run.every(360, 600, healthy());
    Verdict v = null;
    for (long t = 720; t <= WATCH_LAST_SECONDS; t += 120) {
      v = run.at(t, obs()); // Prometheus has nothing from 720s on
    }
    assertThat(v.phase()).isEqualTo(Phase.Stable);
    assertThat(v.action()).isEqualTo(Action.None);
    assertThat(run.events).filteredOn(e -> e.type() == Type.WatchInconclusive).singleElement().satisfies(e -> {
      assertThat(e.at()).isEqualTo(WATCH_LAST_SECONDS * 1000);
      assertThat(e.message()).contains("errorRate conclusive at 3 of 16 samples").contains("ends Stable");
    });
    // and it passes all the same: the window judged it on enough data
    assertThat(run.eventTypes()).endsWith(Type.WatchInconclusive, Type.ObservationPassed);
  }

  /** A custom signal that only the evaluate tier reads: whether its silence during the watch matters. */
  @ParameterizedTest(name = "watch.tiers {0}: WatchInconclusive {1}")
  @CsvSource({"'[immediate, rapid]', false", "'[evaluate]', true"})
  void theWatchsNoDataRuleCountsTheSignalsItsTiersRead(String tiers, boolean inconclusive) {
    EngineRun run = new EngineRun(policy("  observation: {window: 5m, interval: 30s, watch: {for: 30m, interval: 2m,"
        + " tiers: " + tiers + "}}\n  signals: {custom: [{name: probe, query: 'min(probe_success)'}]}\n"
        + "  tiers: {evaluate: {custom: [{signal: probe, below: 1}]}}\n"));
    run.every(0, 300, healthy().metric("probe", 1));
    assertThat(run.last.phase()).isEqualTo(Phase.Watching);
    for (long t = 360; t <= WATCH_LAST_SECONDS; t += 120) {
      run.at(t, healthy()); // the probe stops answering after the window
    }
    assertThat(run.last.phase()).isEqualTo(Phase.Stable);
    assertThat(run.eventTypes().contains(Type.WatchInconclusive)).isEqualTo(inconclusive);
  }

  @Test
  void aKubernetesOnlyPolicyIsWatchedOnKubernetesSignals() {
    EngineRun run = new EngineRun(kubernetesOnly(WATCHED));
    run.every(0, 300, obs());
    assertThat(run.last.phase()).isEqualTo(Phase.Watching);
    run.every(360, 600, obs());
    Verdict v = run.at(720, obs().crashLooping(2));
    assertThat(v.action()).isEqualTo(Action.RollbackRapid);
    assertThat(v.phase()).isEqualTo(Phase.Breached);
  }

  @Test
  void aWatchTheOwnerSwitchesOffEndsAtTheNextEvaluationAndPasses() {
    EngineRun run = passedWindow(WATCHED);
    run.at(360, healthy());
    run.policy = policy("  observation: {window: 5m, interval: 30s}\n");
    Verdict v = run.at(370, healthy());
    assertThat(v.phase()).isEqualTo(Phase.Stable);
    assertThat(run.eventTypes()).endsWith(Type.ObservationPassed);
  }

  @Test
  void aWatchedStateStoredInStatusResumesTheWatchExactly() throws Exception {
    ObjectMapper json = new ObjectMapper();
    EngineRun uninterrupted = passedWindow(WATCHED);
    EngineRun restarted = passedWindow(WATCHED);
    uninterrupted.every(360, 600, healthy());
    restarted.every(360, 600, healthy());
    restarted.state = json.readValue(json.writeValueAsString(restarted.state), EvaluationState.class);
    assertThat(restarted.state.watching()).isTrue();
    assertThat(restarted.policy.nextSampleAt(restarted.state)).isEqualTo(720_000);
    for (long t = 720; t <= WATCH_LAST_SECONDS; t += 120) {
      Obs o = t >= 960 ? healthy().errorRate(0.02) : healthy();
      uninterrupted.at(t, o);
      restarted.at(t, o);
    }
    assertThat(restarted.last).isEqualTo(uninterrupted.last);
    assertThat(restarted.last.action()).isEqualTo(Action.RollbackRapid);
  }
}
