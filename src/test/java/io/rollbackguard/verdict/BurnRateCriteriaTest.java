package io.rollbackguard.verdict;

import static io.rollbackguard.TestingPolicies.policy;
import static io.rollbackguard.verdict.EngineRun.obs;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.FindingState;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.api.status.Tier;
import io.rollbackguard.verdict.EngineRun.Obs;
import org.junit.jupiter.api.Test;

/** Burn-rate criteria through the engine (DESIGN §1b): each window's ratio is its own used signal. */
class BurnRateCriteriaTest {
  static final String SLO_999 = "  observation: {window: 15m, interval: 30s}\n  slo: {objective: 0.999}\n";
  static final String SLO_99 = "  observation: {window: 15m, interval: 30s}\n  slo: {objective: 0.99}\n";

  /** Healthy on every signal but the burn windows, which read {@code fast} (1h, 5m) and {@code slow} (6h, 30m). */
  static Obs burning(double long1h, double short5m, double long6h, double short30m) {
    return obs().healthyMetrics().metric("errorRate@1h", long1h).metric("errorRate@5m", short5m)
        .metric("errorRate@6h", long6h).metric("errorRate@30m", short30m);
  }

  @Test
  void theDefaultsUseBothWindowsOfEachPairAsSignals() {
    assertThat(policy(SLO_999).usedMetricSignals()).contains("errorRate@1h", "errorRate@5m", "errorRate@6h",
        "errorRate@30m");
    assertThat(policy("  observation: {window: 15m, interval: 30s}\n").usedMetricSignals())
        .noneMatch(Signals::isWindowSignal);
  }

  @Test
  void aBurnRateBreachedOnBothWindowsRollsBackNowAndSaysHowFastTheBudgetGoes() {
    EngineRun run = new EngineRun(policy(SLO_999));
    Verdict v = run.at(0, burning(0.016, 0.021, 0, 0));
    assertThat(v.action()).isEqualTo(Action.RollbackImmediate);
    assertThat(v.tier()).isEqualTo(Tier.immediate);
    assertThat(v.reason()).isEqualTo("error ratio 1.6% over 1h and 2.1% over 5m, above 1.44% (14.4× the budget): "
        + "error budget burning 16× — at this rate the month's budget is gone in 45 h");
    Finding f = v.findings().stream().filter(x -> x.signal().equals(Signals.BURN_RATE)).findFirst().orElseThrow();
    assertThat(f.state()).isEqualTo(FindingState.Fired);
    assertThat(f.observed()).isCloseTo(16.0, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(f.threshold()).isEqualTo(14.4);
  }

  @Test
  void aBurnRateBreachedOnOneWindowOnlyDoesNotFire() {
    EngineRun longOnly = new EngineRun(policy(SLO_999));
    assertThat(longOnly.every(0, 300, burning(0.02, 0.01, 0.02, 0.001)).action()).isEqualTo(Action.None);
    EngineRun shortOnly = new EngineRun(policy(SLO_999));
    assertThat(shortOnly.every(0, 300, burning(0.01, 0.02, 0.001, 0.02)).action()).isEqualTo(Action.None);
  }

  @Test
  void theSlowPairFiresTheRapidTier() {
    EngineRun run = new EngineRun(policy(SLO_999));
    Verdict v = run.at(0, burning(0.001, 0.001, 0.007, 0.008)); // 7× and 8× over 6×; the fast pair is quiet
    assertThat(v.action()).isEqualTo(Action.RollbackRapid);
    assertThat(v.reason()).startsWith("error ratio 0.7% over 6h and 0.8% over 30m, above 0.6% (6× the budget)");
  }

  @Test
  void aNinetyNineNineAndANinetyNineObjectiveJudgeTheSameErrorRatioDifferently() {
    Obs twoPercent = burning(0.02, 0.02, 0.02, 0.02);
    assertThat(new EngineRun(policy(SLO_999)).at(0, twoPercent).action()).isEqualTo(Action.RollbackImmediate);
    // against 99%, 2% burns the budget at 2×: under both 14.4× and 6×
    assertThat(new EngineRun(policy(SLO_99)).every(0, 300, twoPercent).action()).isEqualTo(Action.None);
  }

  @Test
  void aNamedBurnRateReplacesTheDefaultAndHoldsForItsFor() {
    Policy p = policy(SLO_999 + "  tiers:\n    immediate:\n      burnRate: {factor: 10, longWindow: 30m,"
        + " shortWindow: 2m, for: 1m}\n    rapid:\n      burnRate: {disabled: true}\n");
    assertThat(p.usedMetricSignals()).contains("errorRate@30m", "errorRate@2m").doesNotContain("errorRate@1h",
        "errorRate@6h");
    EngineRun run = new EngineRun(p);
    Obs over = obs().healthyMetrics().metric("errorRate@30m", 0.011).metric("errorRate@2m", 0.012);
    assertThat(run.every(0, 30, over).action()).isEqualTo(Action.None);
    assertThat(run.at(60, over).action()).isEqualTo(Action.RollbackImmediate);
  }

  @Test
  void tooLittleTrafficGuardsTheBurnWindowsAsItGuardsErrorRate() {
    Policy p = policy("  observation: {window: 15m, interval: 30s, minRequestRate: 1}\n  slo: {objective: 0.999}\n");
    EngineRun run = new EngineRun(p);
    Verdict v = run.at(0, burning(0.05, 0.05, 0, 0).requestRate(0.2));
    assertThat(v.action()).isEqualTo(Action.None);
    assertThat(v.metrics().state()).isEqualTo(MetricsStatus.State.Unavailable);
    assertThat(v.metrics().message()).contains("errorRate@1h: request rate 0.2/s below minRequestRate 1/s");
  }

  @Test
  void aBurnWindowWithoutDataIsNotHealth() {
    EngineRun run = new EngineRun(policy(SLO_999));
    Obs noLongWindow = obs().healthyMetrics().metric("errorRate@5m", 0.05).metric("errorRate@6h", 0)
        .metric("errorRate@30m", 0);
    Verdict v = run.every(0, 900, noLongWindow);
    assertThat(v.phase()).isEqualTo(Phase.Inconclusive);
    assertThat(v.action()).isEqualTo(Action.Evaluate);
    assertThat(v.reasonCode()).isEqualTo("NoData");
    assertThat(v.reason()).contains("errorRate@1h conclusive at 0 of 31 samples");
  }

  @Test
  void burnWindowsThatStayUnderTheirFactorsCloseTheWindowStable() {
    EngineRun run = new EngineRun(policy(SLO_999));
    assertThat(run.every(0, 900, burning(0.001, 0.002, 0.001, 0.001)).phase()).isEqualTo(Phase.Stable);
  }
}
