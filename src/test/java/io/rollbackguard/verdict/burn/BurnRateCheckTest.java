package io.rollbackguard.verdict.burn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.rollbackguard.api.status.Tier;
import io.rollbackguard.verdict.MetricReading;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Burn-rate criteria by table. Empty cells are inconclusive readings. */
class BurnRateCheckTest {
  static final BurnRateCriterion FAST = BurnRateCriterion.IMMEDIATE_DEFAULT; // 14.4× over 1h and 5m
  static final BurnRateCriterion SLOW = BurnRateCriterion.RAPID_DEFAULT;     // 6× over 6h and 30m

  // objective 0.999: threshold 14.4 × 0.001 = 1.44 %; 0.99: 14.4 %.
  @ParameterizedTest(name = "objective {0}, long {1}, short {2}: {3}")
  @CsvSource({
      "0.999, 0.020, 0.020, BREACHED",       // both windows over 1.44 %: fired
      "0.999, 0.020, 0.010, NOT_BREACHED",   // long window only
      "0.999, 0.010, 0.020, NOT_BREACHED",   // short window only (a spike that has not lasted)
      "0.999, 0.0144, 0.020, NOT_BREACHED",  // exactly at the threshold: strict >
      "0.99, 0.020, 0.020, NOT_BREACHED",    // the same 2 % against a 99 % objective: 1.4×, far under 14.4×
      "0.99, 0.150, 0.160, BREACHED",        // 15 % and 16 % against 99 %: 15× and 16×
      "0.999, , 0.020, INCONCLUSIVE",        // long window unknown, short over: cannot tell
      "0.999, , 0.010, NOT_BREACHED",        // short window known under: the "and" is false anyway
      "0.999, 0.020, , INCONCLUSIVE",
      "0.999, , , INCONCLUSIVE",
  })
  void bothWindowsMustExceedTheFactorOfTheBudget(double objective, Double longRatio, Double shortRatio,
      BurnRateOutcome.State expected) {
    BurnRateOutcome o = BurnRateCheck.check(FAST, ErrorBudget.monthly(objective), reading(longRatio),
        reading(shortRatio));
    assertThat(o.state()).isEqualTo(expected);
  }

  @Test
  void aNinetyNineNineAndANinetyNineObjectiveJudgeTheSameRatioDifferently() {
    MetricReading twoPercent = MetricReading.of(0.02);
    BurnRateOutcome strict = BurnRateCheck.check(FAST, ErrorBudget.monthly(0.999), twoPercent, twoPercent);
    BurnRateOutcome loose = BurnRateCheck.check(FAST, ErrorBudget.monthly(0.99), twoPercent, twoPercent);
    assertThat(strict.breached()).isTrue();
    assertThat(strict.burnFactor()).isCloseTo(20, within(1e-9));
    assertThat(loose.breached()).isFalse();
    assertThat(loose.burnFactor()).isCloseTo(2, within(1e-9));
  }

  @Test
  void theFindingShowsBothRatiosAndTheBurnFactor() {
    BurnRateOutcome o = BurnRateCheck.check(FAST, ErrorBudget.monthly(0.999), MetricReading.of(0.016),
        MetricReading.of(0.021));
    assertThat(o.longRatio()).isEqualTo(0.016);
    assertThat(o.shortRatio()).isEqualTo(0.021);
    assertThat(o.longFactor()).isCloseTo(16, within(1e-9));
    assertThat(o.shortFactor()).isCloseTo(21, within(1e-9));
    assertThat(o.burnFactor()).isCloseTo(16, within(1e-9)); // what both windows sustain
    assertThat(o.threshold()).isCloseTo(0.0144, within(1e-12));
    assertThat(o.describe(ErrorBudget.monthly(0.999), "1h", "5m")).isEqualTo(
        "error ratio 1.6% over 1h and 2.1% over 5m, above 1.44% (14.4× the budget): "
            + "error budget burning 16× — at this rate the month's budget is gone in 45 h");
  }

  // The traffic guard is the engine's (one home per rule): with minRequestRate > 0 and too little traffic the
  // window signals arrive inconclusive with the engine's reason, as errorRate does, and the criterion says why.
  @Test
  void tooLittleTrafficMakesTheCriterionInconclusive() {
    MetricReading guarded = MetricReading.inconclusive("request rate 0.1/s below minRequestRate 0.5/s");
    BurnRateOutcome o = BurnRateCheck.check(SLOW, ErrorBudget.monthly(0.999), guarded, MetricReading.of(0.5));
    assertThat(o.state()).isEqualTo(BurnRateOutcome.State.INCONCLUSIVE);
    assertThat(o.reason()).isEqualTo("long window: request rate 0.1/s below minRequestRate 0.5/s");
    assertThat(BurnRateCheck.check(SLOW, ErrorBudget.monthly(0.999), MetricReading.of(Double.NaN), null).reason())
        .isEqualTo("long window: value is NaN");
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
      "immediate, 14.4, 3600000, 300000",
      "rapid, 6, 21600000, 1800000",
  })
  void defaultsAreTheWorkbooksPairsForThirtyDays(Tier tier, double factor, long longWindow, long shortWindow) {
    assertThat(BurnRateCriterion.defaultFor(tier)).contains(new BurnRateCriterion(factor, longWindow, shortWindow));
  }

  @Test
  void evaluateHasNoDefaultBurnRate() {
    assertThat(BurnRateCriterion.defaultFor(Tier.evaluate)).isEmpty();
  }

  private static MetricReading reading(Double ratio) {
    return ratio == null ? MetricReading.inconclusive("no data") : MetricReading.of(ratio);
  }
}
