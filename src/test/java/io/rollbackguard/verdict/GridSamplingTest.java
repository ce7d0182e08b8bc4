package io.rollbackguard.verdict;

import static io.rollbackguard.TestingPolicies.kubernetesOnly;
import static io.rollbackguard.TestingPolicies.policy;
import static io.rollbackguard.verdict.EngineRun.obs;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.verdict.EngineRun.Obs;
import io.rollbackguard.verdict.VerdictEvent.Type;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DESIGN.md §1 "Timing": samples on the epoch grid of the interval, policy edits mid-window, late metric readings. */
class GridSamplingTest {
  static final String W5M_30S = "  observation: {window: 5m, interval: 30s}\n";
  static final String W5M_10S = "  observation: {window: 5m, interval: 10s}\n";
  static final String DEFAULTS = "  observation: {window: 15m, interval: 30s}\n";

  static Obs healthy() {
    return obs().healthyMetrics();
  }

  /** The grid instants (seconds) a run processed, calling the engine every second from start to end. */
  static List<Long> instantsSampled(EngineRun run, int fromSeconds, int toSeconds) {
    return run.instantsSampled(fromSeconds, toSeconds, GridSamplingTest::healthy);
  }

  @Nested
  class Grid {
    @Test
    void aRolloutStartedOffTheGridIsFirstSampledAtTheNextGridInstant() {
      EngineRun run = EngineRun.startedAt(policy("  observation: {window: 2m, interval: 30s}\n"), 7);
      run.at(7, healthy());
      run.at(29, healthy());
      assertThat(run.state.lastSampleAt).isEqualTo(-1);
      assertThat(run.policy.nextSampleAt(run.state)).isEqualTo(30_000);
      run.at(30, healthy());
      assertThat(run.state.lastSampleAt).isEqualTo(30_000);
      assertThat(run.state.samplesTaken).isEqualTo(1);
      assertThat(run.policy.nextSampleAt(run.state)).isEqualTo(60_000);
    }

    @ParameterizedTest(name = "started at 7s, initialDelay {0}s: first counted sample at {1}s")
    @CsvSource({"0, 30", "23, 30", "24, 60", "53, 60", "54, 90"})
    void theInitialDelayCountsByTheSamplesAge(int initialDelaySeconds, long firstCountedSeconds) {
      EngineRun run = EngineRun.startedAt(policy("  observation: {initialDelay: " + initialDelaySeconds
          + "s, window: 5m, interval: 30s}\n"), 7);
      for (long t = 30; t < firstCountedSeconds; t += 30) {
        assertThat(run.at(t, healthy()).phase()).as("at %ss", t).isEqualTo(Phase.Pending);
      }
      assertThat(run.state.countedSamples()).isZero();
      assertThat(run.at(firstCountedSeconds, healthy()).phase()).isEqualTo(Phase.Observing);
      assertThat(run.state.countedSamples()).isEqualTo(1);
    }

    @ParameterizedTest(name = "started at {0}s, window {1}s: closes at {2}s")
    @CsvSource({"0, 120, 120", "7, 120, 150", "7, 143, 150", "7, 144, 180", "29, 60, 90", "30, 60, 90"})
    void theWindowClosesAtTheFirstGridInstantAgedWindowOrMore(int startSeconds, int windowSeconds,
        long closesAtSeconds) {
      EngineRun run = EngineRun.startedAt(policy("  observation: {window: " + windowSeconds + "s, interval: 30s}\n"),
          startSeconds);
      for (long t = 0; t < closesAtSeconds; t += 30) {
        Verdict open = run.at(t, healthy());
        assertThat(open.phase()).as("at %ss", t).isIn(Phase.Pending, Phase.Observing);
        assertThat(open.observeUntil()).isEqualTo(closesAtSeconds * 1000);
      }
      Verdict closed = run.at(closesAtSeconds, healthy());
      assertThat(closed.phase()).isEqualTo(Phase.Stable);
      assertThat(closed.observeUntil()).isEqualTo(closesAtSeconds * 1000);
      assertThat(closed.events()).extracting(VerdictEvent::at).containsExactly(closesAtSeconds * 1000);
    }

    @Test
    void rolloutsStartedAtDifferentTimesAreSampledAtTheSameGridInstants() {
      Policy p = policy("  observation: {window: 2m, interval: 30s}\n");
      List<Long> early = instantsSampled(EngineRun.startedAt(p, 7), 7, 200);
      List<Long> late = instantsSampled(EngineRun.startedAt(p, 19), 19, 200);
      assertThat(early).containsExactly(30L, 60L, 90L, 120L, 150L);
      assertThat(late).isEqualTo(early);
    }

    @Test
    void aLongOutageProcessesOnlyTheWindowsInstantsAndClosesAtTheWindowsEnd() {
      EngineRun run = new EngineRun(kubernetesOnly("  observation: {window: 15m, interval: 1s}\n"));
      run.at(0, obs());
      Verdict v = run.at(30 * 24 * 3600, obs()); // a month later
      assertThat(run.state.windowOpen()).isFalse();
      assertThat(run.state.lastSampleAt).isEqualTo(900_000);
      assertThat(run.state.samplesMissed).isEqualTo(900);
      assertThat(v.phase()).isEqualTo(Phase.Inconclusive);
      assertThat(v.events()).filteredOn(e -> e.type() == Type.ObservationInconclusive)
          .extracting(VerdictEvent::at).containsExactly(900_000L);
    }
  }

  @Nested
  class PolicyEdits {
    @Test
    void shorteningTheIntervalKeepsTheSamplesTakenAndInventsNoMissedOnes() {
      EngineRun run = new EngineRun(policy(W5M_30S));
      Obs rising = healthy().errorRate(0.02); // rapid: errorRate > 1% for 2m
      run.every(0, 90, rising);
      run.policy = policy(W5M_10S);
      run.at(95, rising); // the next instant of the 10s grid is 100
      assertThat(run.state.lastSampleAt).isEqualTo(90_000);
      // the operator wakes at the old grid's 120: the new grid's 100 and 110 are skipped, not missed
      Verdict v = run.at(120, rising);
      assertThat(run.state.samplesTaken).isEqualTo(5);
      assertThat(run.state.samplesMissed).isZero();
      assertThat(v.action()).isEqualTo(Action.RollbackRapid);
      assertThat(v.actionSince()).isEqualTo(120_000);
      assertThat(v.findings()).anySatisfy(f -> assertThat(f.since()).isEqualTo(0L)); // the chain survived the edit
      run.every(130, 290, rising);
      assertThat(run.state.windowOpen()).isTrue();
      run.at(300, rising);
      assertThat(run.state.windowOpen()).isFalse();
      assertThat(run.state.lastSampleAt).isEqualTo(300_000);
      assertThat(run.state.samplesTaken).isEqualTo(5 + 18);
      assertThat(run.state.samplesMissed).isZero();
    }

    @Test
    void lengtheningTheIntervalAppliesFromTheNextInstantOfTheNewGrid() {
      EngineRun run = new EngineRun(policy(W5M_10S));
      run.every(0, 40, healthy());
      run.policy = policy(W5M_30S);
      run.at(50, healthy()); // the latest 30s instant, 30, is behind the last one processed: nothing to sample
      assertThat(run.state.lastSampleAt).isEqualTo(40_000);
      assertThat(run.policy.nextSampleAt(run.state)).isEqualTo(60_000);
      run.at(60, healthy());
      assertThat(run.state.samplesTaken).isEqualTo(6);
      // once on the new grid, an outage misses instants again
      run.at(150, healthy());
      assertThat(run.state.samplesMissed).isEqualTo(2);
      run.every(180, 270, healthy());
      assertThat(run.state.windowOpen()).isTrue();
      assertThat(run.at(300, healthy()).phase()).isEqualTo(Phase.Stable);
    }

    @Test
    void anIntervalEditDuringAnOutageJumpsToTheCurrentInstant() {
      EngineRun run = new EngineRun(policy(W5M_30S));
      run.every(0, 120, healthy());
      run.policy = policy(W5M_10S);
      run.at(205, healthy());
      assertThat(run.state.lastSampleAt).isEqualTo(200_000);
      assertThat(run.state.sampledInterval).isEqualTo(10_000);
      assertThat(run.state.samplesTaken).isEqualTo(6);
      assertThat(run.state.samplesMissed).isZero();
    }

    @Test
    void lengtheningTheWindowKeepsItOpenUntilItsNewEnd() {
      EngineRun run = new EngineRun(policy(W5M_30S));
      run.every(0, 270, healthy());
      run.policy = policy("  observation: {window: 10m, interval: 30s}\n");
      assertThat(run.every(300, 570, healthy()).phase()).isEqualTo(Phase.Observing);
      Verdict v = run.at(600, healthy());
      assertThat(v.phase()).isEqualTo(Phase.Stable);
      assertThat(v.observeUntil()).isEqualTo(600_000);
    }

    @Test
    void shorteningWindowAndIntervalBelowTheAgeReachedClosesAtTheNextInstantOfTheNewGrid() {
      EngineRun run = new EngineRun(policy("  observation: {window: 15m, interval: 10s}\n"));
      run.every(0, 400, healthy());
      run.policy = policy(W5M_30S);
      Verdict between = run.at(415, healthy());
      assertThat(between.phase()).isEqualTo(Phase.Observing);
      assertThat(between.observeUntil()).isEqualTo(420_000);
      Verdict closed = run.at(420, healthy());
      assertThat(closed.phase()).isEqualTo(Phase.Stable);
      assertThat(closed.events()).extracting(VerdictEvent::at).containsExactly(420_000L);
    }
  }

  @Nested
  class LateMetrics {
    final Obs bad = healthy().errorRate(0.06); // immediate: errorRate > 5% for 1m

    @Test
    void aBreachChainContinuesAcrossAnOutageWhenPrometheusSuppliesTheMissedInstants() {
      EngineRun run = new EngineRun(policy(DEFAULTS));
      run.at(0, bad);
      Verdict v = run.late(60, bad, Map.of(30.0, bad, 60.0, bad));
      assertThat(v.action()).isEqualTo(Action.RollbackImmediate);
      assertThat(v.actionSince()).isEqualTo(60_000);
      assertThat(v.findings()).anySatisfy(f -> assertThat(f.since()).isEqualTo(0L));
      assertThat(run.state.samplesTaken).isEqualTo(2);
      assertThat(run.state.samplesMissed).isEqualTo(1);
      assertThat(run.state.lastSampleTaken).isTrue();
    }

    @Test
    void withoutReadingsForTheMissedInstantTheChainResets() {
      EngineRun run = new EngineRun(policy(DEFAULTS));
      run.at(0, bad);
      assertThat(run.late(60, bad, Map.of(60.0, bad)).action()).isEqualTo(Action.None);
      run.at(90, bad);
      Verdict v = run.at(120, bad);
      assertThat(v.action()).isEqualTo(Action.RollbackImmediate);
      assertThat(v.findings()).anySatisfy(f -> assertThat(f.since()).isEqualTo(60_000L));
    }

    @Test
    void theShortFormReadsTheObservationsMetricsAtTheCurrentInstant() {
      EngineRun shortForm = new EngineRun(policy(DEFAULTS));
      EngineRun longForm = new EngineRun(policy(DEFAULTS));
      shortForm.at(0, bad);
      longForm.at(0, bad);
      assertThat(longForm.late(75, bad, Map.of(60.0, bad))).isEqualTo(shortForm.at(75, bad));
    }

    @ParameterizedTest(name = "late readings supplied: {0}")
    @CsvSource({"true, Stable", "false, Inconclusive"})
    void lateReadingsCountTowardTheNoDataRule(boolean supplied, Phase closesAs) {
      EngineRun run = new EngineRun(policy("  observation: {window: 150s, interval: 30s}\n"));
      run.at(0, healthy());
      run.at(30, obs()); // taken, but Prometheus had nothing
      // the operator is down at 60 and 90; Prometheus kept those instants
      run.late(120, healthy(), supplied ? Map.of(60.0, healthy(), 90.0, healthy(), 120.0, healthy())
          : Map.of(120.0, healthy()));
      Verdict v = run.at(150, healthy());
      assertThat(run.state.samplesTaken).isEqualTo(4);
      assertThat(run.state.samplesMissed).isEqualTo(2);
      assertThat(v.phase()).isEqualTo(closesAs);
      if (!supplied) {
        assertThat(v.reason()).contains("errorRate conclusive at 3 of 6 samples");
      }
    }

    @Test
    void lateMetricsDoNotStandInForKubernetesFacts() {
      EngineRun run = new EngineRun(policy(DEFAULTS));
      Obs down = healthy().replicas(3, 0); // immediate: serviceDown for 1m
      run.at(0, down);
      assertThat(run.late(60, down, Map.of(30.0, down, 60.0, down)).action()).isEqualTo(Action.None);
      run.at(90, down);
      Verdict v = run.at(120, down);
      assertThat(v.action()).isEqualTo(Action.RollbackImmediate);
      assertThat(v.findings()).anySatisfy(f -> assertThat(f.since()).isEqualTo(60_000L));
    }

    @Test
    void anInstantWithoutKubernetesFactsIsMissedButItsMetricsCount() {
      EngineRun run = new EngineRun(policy(DEFAULTS));
      run.at(0, healthy());
      run.late(30, null, Map.of(30.0, healthy()));
      assertThat(run.state.samplesTaken).isEqualTo(1);
      assertThat(run.state.samplesMissed).isEqualTo(1);
      assertThat(run.state.lastSampleTaken).isFalse();
      assertThat(run.state.conclusiveSamples).containsEntry(Signals.ERROR_RATE, 2);
      assertThat(run.state.observed.get(Signals.SERVICE_DOWN).reason()).startsWith("sample missed");
    }
  }
}
