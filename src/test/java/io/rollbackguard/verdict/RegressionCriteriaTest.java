package io.rollbackguard.verdict;

import static io.rollbackguard.TestingPolicies.policy;
import static io.rollbackguard.verdict.EngineRun.obs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.EvaluationState;
import io.rollbackguard.api.status.FindingState;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.api.status.Tier;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Regression criteria through the engine (DESIGN §1b). The window is 15m at 30s with the default rateWindow 1m, so
 * the test uses every second sample: 16 in the window, the 10th (minSamples) at 540s. The baseline is an hour at 30s:
 * 120 points, 60 used. Latencies are log-normal (σ = 0.1) around 80 ms, from a fixed seed.
 */
class RegressionCriteriaTest {
  static final String WINDOW = "  observation: {window: 15m, interval: 30s}\n";
  static final String RAPID_LATENCY = WINDOW + "  tiers:\n    rapid:\n      regression: {signal: latencyP95}\n";

  static double[] lognormal(Random r, int n, double median, double sigma) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = median * Math.exp(sigma * r.nextGaussian());
    }
    return out;
  }

  static EngineRun withBaseline(Policy p, String signal, double... baseline) {
    EngineRun run = new EngineRun(p);
    run.baselines = Map.of(signal, BaselineSamples.of(baseline));
    return run;
  }

  /** Samples every 30s from {@code from} to {@code to} seconds, healthy but for the latency {@code next} gives. */
  static Verdict latencies(EngineRun run, double from, double to, DoubleSupplier next) {
    for (double t = from; t <= to; t += 30) {
      run.at(t, obs().healthyMetrics().latency(next.getAsDouble()));
    }
    return run.last;
  }

  @Test
  void aLatencyTwiceTheBaselineIsARegressionAtTheFirstLookWithBaselineAndCurrentInTheFinding() {
    Random r = new Random(11);
    EngineRun run = withBaseline(policy(RAPID_LATENCY), Signals.LATENCY_P95, lognormal(r, 120, 0.08, 0.1));
    assertThat(latencies(run, 0, 510, () -> 0.16 * Math.exp(0.1 * r.nextGaussian())).action())
        .as("before the 10th used sample").isEqualTo(Action.None);
    Verdict v = latencies(run, 540, 540, () -> 0.16 * Math.exp(0.1 * r.nextGaussian()));
    assertThat(v.action()).isEqualTo(Action.RollbackRapid);
    assertThat(v.phase()).isEqualTo(Phase.Breached);
    Finding f = v.findings().stream().filter(x -> x.signal().equals(Signals.REGRESSION)).findFirst().orElseThrow();
    assertThat(f.state()).isEqualTo(FindingState.Fired);
    assertThat(f.tier()).isEqualTo(Tier.rapid);
    assertThat(f.observed()).as("change of the means").isBetween(1.8, 2.2);
    assertThat(f.threshold()).isEqualTo(1.2);
    assertThat(f.message()).startsWith("p95 latency ×2").contains(" against the 1h before the rollout (allowed ×1.2): mean ")
        .containsPattern("median 1[5-6][0-9](\\.[0-9]+)?ms vs [78][0-9](\\.[0-9]+)?ms")
        .containsPattern("shift \\+[0-9.]+ms, at least \\+[0-9.]+ms at 99\\.[0-9]+% confidence \\(p = .* ≤ ")
        .endsWith("10 vs 60 samples");
    assertThat(v.reason()).isEqualTo(f.message());
  }

  @Test
  void anUnshiftedLatencyIsNoRegressionAndTheWindowClosesStable() {
    Random r = new Random(12);
    EngineRun run = withBaseline(policy(RAPID_LATENCY), Signals.LATENCY_P95, lognormal(r, 120, 0.08, 0.1));
    Verdict v = latencies(run, 0, 900, () -> 0.08 * Math.exp(0.1 * r.nextGaussian()));
    assertThat(v.action()).isEqualTo(Action.None);
    assertThat(v.phase()).isEqualTo(Phase.Stable);
    assertThat(run.state.regressions.get("rapid/regression").state()).isEqualTo("NOT_BREACHED");
    assertThat(run.state.regressions.get("rapid/regression").spent()).as("seven looks spent the whole 2%")
        .isCloseTo(0.02, org.assertj.core.api.Assertions.within(1e-12));
  }

  @Test
  void aSmallButPreciseSlowdownIsStoppedByTheEffectSizeGate() {
    Random r = new Random(13);
    EngineRun run = withBaseline(policy(RAPID_LATENCY), Signals.LATENCY_P95, lognormal(r, 120, 0.08, 0.01));
    Verdict v = latencies(run, 0, 900, () -> 0.084 * Math.exp(0.01 * r.nextGaussian())); // 5% slower, p tiny
    assertThat(v.action()).isEqualTo(Action.None);
    assertThat(run.state.regressions.get("rapid/regression").message()).startsWith("p95 latency ×1.05")
        .contains("(p = ").contains(" ≤ ");
  }

  @Test
  void belowMinSamplesOnTheWindowSideTheCriterionAloneIsInconclusive() {
    Random r = new Random(14);
    EngineRun run = withBaseline(policy(RAPID_LATENCY), Signals.LATENCY_P95, lognormal(r, 120, 0.08, 0.1));
    Verdict v = latencies(run, 0, 480, () -> 0.3); // a big shift, but only 9 used samples
    assertThat(v.action()).isEqualTo(Action.None);
    assertThat(v.phase()).isEqualTo(Phase.Observing);
    assertThat(v.findings()).anySatisfy(f -> {
      assertThat(f.signal()).isEqualTo(Signals.REGRESSION);
      assertThat(f.state()).isEqualTo(FindingState.Inconclusive);
      assertThat(f.message()).isEqualTo("p95 latency regression inconclusive: 9 current and 60 baseline samples,"
          + " below minSamples 10");
    });
    assertThat(v.metrics().state()).as("the signal itself has data").isEqualTo(MetricsStatus.State.Available);
  }

  @Test
  void aBaselineTooShortOrMissingLeavesTheCriterionInconclusiveNotTheWindow() {
    Random r = new Random(15);
    EngineRun shortBaseline = withBaseline(policy(RAPID_LATENCY), Signals.LATENCY_P95, lognormal(r, 18, 0.08, 0.1));
    Verdict v = latencies(shortBaseline, 0, 900, () -> 0.3);
    assertThat(v.action()).isEqualTo(Action.None);
    assertThat(v.phase()).as("no-data rule: latencyP95 had data at every sample").isEqualTo(Phase.Stable);
    assertThat(shortBaseline.state.regressions.get("rapid/regression").message())
        .endsWith("16 current and 9 baseline samples, below minSamples 10");

    EngineRun none = new EngineRun(policy(RAPID_LATENCY));
    assertThat(latencies(none, 0, 900, () -> 0.3).phase()).isEqualTo(Phase.Stable);
    assertThat(none.state.regressions.get("rapid/regression").message())
        .isEqualTo("p95 latency regression inconclusive: no baseline: not fetched yet");

    EngineRun failed = new EngineRun(policy(RAPID_LATENCY));
    failed.baselines = Map.of(Signals.LATENCY_P95, BaselineSamples.unavailable("range query failed: HTTP 503"));
    assertThat(latencies(failed, 0, 900, () -> 0.3).action()).as("a failed baseline is never healthy, nor a breach")
        .isEqualTo(Action.None);
    assertThat(failed.state.regressions.get("rapid/regression").message())
        .endsWith("no baseline: range query failed: HTTP 503");
  }

  @Test
  void aThroughputThatHalvesIsARegressionInTheDecreaseDirection() {
    Random r = new Random(16);
    Policy p = policy(WINDOW + "  tiers:\n    evaluate:\n      regression: {signal: requestRate, direction: decrease}\n");
    EngineRun run = withBaseline(p, Signals.REQUEST_RATE, lognormal(r, 120, 100, 0.1));
    for (double t = 0; t <= 540; t += 30) {
      run.at(t, obs().errorRate(0).latency(0.1).requestRate(50 * Math.exp(0.1 * r.nextGaussian())));
    }
    assertThat(run.last.action()).isEqualTo(Action.Evaluate);
    assertThat(run.last.reason()).startsWith("request rate ÷1.9").contains("(allowed ÷1.2)").contains("shift -").contains("at most -");
  }

  @Test
  void forHoldsTheBreachAcrossLooksAndTheSamplesBetweenThem() {
    Random r = new Random(17);
    Policy p = policy(WINDOW + "  tiers:\n    rapid:\n      regression: {signal: latencyP95, for: 1m}\n");
    EngineRun run = withBaseline(p, Signals.LATENCY_P95, lognormal(r, 120, 0.08, 0.1));
    assertThat(latencies(run, 0, 570, () -> 0.2).action()).as("breached since 540s, for 30s").isEqualTo(Action.None);
    assertThat(run.last.findings()).anySatisfy(f -> assertThat(f.state()).isEqualTo(FindingState.Breaching));
    Verdict v = latencies(run, 600, 600, () -> 0.2);
    assertThat(v.action()).isEqualTo(Action.RollbackRapid);
    assertThat(v.reason()).endsWith(" for 1m");
  }

  @Test
  void aRestartResumesFromTheStateInStatusWithTheBaselineFetchedAgain() throws Exception {
    Random r = new Random(18);
    double[] baseline = lognormal(r, 120, 0.08, 0.1);
    double[] current = lognormal(r, 31, 0.16, 0.1);
    EngineRun straight = withBaseline(policy(RAPID_LATENCY), Signals.LATENCY_P95, baseline);
    EngineRun restarted = withBaseline(policy(RAPID_LATENCY), Signals.LATENCY_P95, baseline);
    ObjectMapper json = new ObjectMapper();
    for (int i = 0; i <= 18; i++) {
      straight.at(i * 30, obs().healthyMetrics().latency(current[i]));
      restarted.at(i * 30, obs().healthyMetrics().latency(current[i]));
      if (i == 12) {
        restarted.state = json.readValue(json.writeValueAsString(restarted.state), EvaluationState.class);
      }
    }
    assertThat(restarted.last.action()).isEqualTo(Action.RollbackRapid);
    assertThat(restarted.last.reason()).isEqualTo(straight.last.reason());
  }

  /**
   * In the watch (§1b), which keeps the rapid tier by default: a 15m window at 30s (7 looks, from the 10th of 16
   * used samples) closes at 900s; its 1h watch every 2m samples 960s … 4560s, 31 looks, each comparing the latest 16
   * samples with the same baseline. The 2% is spread over the 7 + 31 looks from the first.
   */
  @Nested
  class InTheWatch {
    static final String WATCHED = "  observation: {window: 15m, interval: 30s, watch: {for: 1h, interval: 2m}}\n"
        + "  tiers:\n    rapid:\n      regression: {signal: latencyP95}\n";

    static Verdict watch(EngineRun run, DoubleSupplier latency) {
      for (double t = 960; t <= 4560 && run.last.action() == Action.None; t += 120) {
        run.at(t, obs().healthyMetrics().latency(latency.getAsDouble()));
      }
      return run.last;
    }

    @Test
    void aRegressionThatShowsOnlyInTheWatchBreachesTheWatchedRevision() {
      Random r = new Random(21);
      EngineRun run = withBaseline(policy(WATCHED), Signals.LATENCY_P95, lognormal(r, 120, 0.08, 0.1));
      assertThat(latencies(run, 0, 900, () -> 0.08 * Math.exp(0.1 * r.nextGaussian())).phase())
          .isEqualTo(Phase.Watching);
      assertThat(run.state.regressions.get("rapid/regression").spent()).as("7 looks of 38")
          .isCloseTo(0.02 * 7 / 38, within(1e-12));
      Verdict v = watch(run, () -> 0.16 * Math.exp(0.1 * r.nextGaussian()));
      assertThat(v.action()).isEqualTo(Action.RollbackRapid);
      assertThat(v.phase()).isEqualTo(Phase.Breached);
      assertThat(v.actionSince()).as("in the watch").isBetween(960_000L, 4_560_000L);
      assertThat(v.reason()).startsWith("p95 latency ×").endsWith("16 vs 60 samples");
    }

    @Test
    void aHealthyWatchSpendsWhatIsLeftAndEndsStable() {
      Random r = new Random(22);
      EngineRun run = withBaseline(policy(WATCHED), Signals.LATENCY_P95, lognormal(r, 120, 0.08, 0.1));
      latencies(run, 0, 900, () -> 0.08 * Math.exp(0.1 * r.nextGaussian()));
      Verdict v = watch(run, () -> 0.08 * Math.exp(0.1 * r.nextGaussian()));
      assertThat(v.action()).isEqualTo(Action.None);
      assertThat(v.phase()).isEqualTo(Phase.Stable);
      assertThat(run.state.regressions.get("rapid/regression").spent()).as("the whole 2%, window and watch")
          .isCloseTo(0.02, within(1e-12));
      assertThat(run.state.regressions.get("rapid/regression").samples()).as("a window's worth kept").hasSize(16);
    }

    @Test
    void aRegressionOfATierTheWatchDoesNotKeepStaysSilentThereAndKeepsTheWholeBudgetForTheWindow() {
      Random r = new Random(23);
      EngineRun run = withBaseline(policy(WATCHED.replace("interval: 2m}", "interval: 2m, tiers: [immediate]}")),
          Signals.LATENCY_P95, lognormal(r, 120, 0.08, 0.1));
      latencies(run, 0, 900, () -> 0.08 * Math.exp(0.1 * r.nextGaussian()));
      assertThat(run.state.regressions.get("rapid/regression").spent()).isCloseTo(0.02, within(1e-12));
      Verdict v = watch(run, () -> 0.3);
      assertThat(v.action()).isEqualTo(Action.None);
      assertThat(v.phase()).isEqualTo(Phase.Stable);
    }

    @Test
    void aRestartMidWatchResumesFromTheStateInStatus() throws Exception {
      Random r = new Random(24);
      double[] baseline = lognormal(r, 120, 0.08, 0.1);
      double[] window = lognormal(r, 31, 0.08, 0.1);
      double[] watch = lognormal(r, 31, 0.16, 0.1);
      EngineRun straight = withBaseline(policy(WATCHED), Signals.LATENCY_P95, baseline);
      EngineRun restarted = withBaseline(policy(WATCHED), Signals.LATENCY_P95, baseline);
      ObjectMapper json = new ObjectMapper();
      for (EngineRun run : List.of(straight, restarted)) {
        for (int i = 0; i <= 30; i++) {
          run.at(i * 30, obs().healthyMetrics().latency(window[i]));
        }
      }
      for (int k = 0; k < 31 && straight.last.action() == Action.None; k++) {
        straight.at(960 + k * 120, obs().healthyMetrics().latency(watch[k]));
        restarted.at(960 + k * 120, obs().healthyMetrics().latency(watch[k]));
        if (k == 3) {
          restarted.state = json.readValue(json.writeValueAsString(restarted.state), EvaluationState.class);
        }
      }
      assertThat(straight.last.action()).isEqualTo(Action.RollbackRapid);
      assertThat(restarted.last.reason()).isEqualTo(straight.last.reason());
      assertThat(restarted.state.regressions).isEqualTo(straight.state.regressions);
    }

    /**
     * rateWindow 90s: the window uses every third sample, its last at the close (900s). The watch's first instant,
     * 960s, is 60s later: its rate shares requests with the close's, so it is no look; 1080s is.
     */
    @Test
    void aWatchSampleCloserThanRateWindowToTheWindowsLastUsedOneIsNoLook() {
      Random r = new Random(25);
      EngineRun run = withBaseline(policy(WATCHED + "  signals: {rateWindow: 90s}\n"), Signals.LATENCY_P95,
          lognormal(r, 120, 0.08, 0.1));
      latencies(run, 0, 900, () -> 0.08 * Math.exp(0.1 * r.nextGaussian()));
      EvaluationState.RegressionTrack closed = run.state.regressions.get("rapid/regression");
      assertThat(closed.lastUsedAt()).isEqualTo(900_000);
      run.at(960, obs().healthyMetrics().latency(0.08));
      assertThat(run.state.regressions.get("rapid/regression")).isEqualTo(closed);
      run.at(1080, obs().healthyMetrics().latency(0.08));
      assertThat(run.state.regressions.get("rapid/regression").lastUsedAt()).isEqualTo(1_080_000);
      assertThat(run.state.regressions.get("rapid/regression").spent()).isGreaterThan(closed.spent());
    }

    /** An edit makes the criterion compare another signal: the old samples are dropped, what was spent stays. */
    @Test
    void anEditToAnotherSignalStartsItsSamplesAgainAndKeepsWhatWasSpent() {
      Random r = new Random(26);
      EngineRun run = new EngineRun(policy(WATCHED));
      run.baselines = Map.of(Signals.LATENCY_P95, BaselineSamples.of(lognormal(r, 120, 0.08, 0.1)),
          Signals.ERROR_RATE, BaselineSamples.of(lognormal(r, 120, 0.01, 0.1)));
      latencies(run, 0, 900, () -> 0.08 * Math.exp(0.1 * r.nextGaussian()));
      double spent = run.state.regressions.get("rapid/regression").spent();
      run.policy = policy(WATCHED.replace("signal: latencyP95", "signal: errorRate"));
      run.at(960, obs().healthyMetrics().latency(0.08).errorRate(0.01));
      EvaluationState.RegressionTrack edited = run.state.regressions.get("rapid/regression");
      assertThat(edited.signal()).isEqualTo(Signals.ERROR_RATE);
      assertThat(edited.samples()).containsExactly(0.01);
      assertThat(edited.spent()).isEqualTo(spent);
    }
  }
}
