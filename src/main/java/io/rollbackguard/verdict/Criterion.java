package io.rollbackguard.verdict;

import io.rollbackguard.api.status.Tier;
import io.rollbackguard.verdict.burn.BurnRateCheck;
import io.rollbackguard.verdict.burn.BurnRateCriterion;
import io.rollbackguard.verdict.burn.BurnRateOutcome;
import io.rollbackguard.verdict.burn.BurnWindows;
import io.rollbackguard.verdict.burn.ErrorBudget;
import io.rollbackguard.verdict.regression.RegressionCriterion;
import io.rollbackguard.verdict.regression.SampleSpacing;

/**
 * One enabled criterion of the merged policy.
 *
 * @param id stable within a policy version; keys the breach chain in the evaluation state
 * @param condition true for a Kubernetes condition (serviceDown, rolloutStuck, crashLooping), which has no threshold
 * @param above for a metric criterion: breached when strictly above the threshold, else strictly below
 * @param thresholdText the threshold as the user wrote it, for messages
 * @param holdForMillis how long the breach must hold ({@code for})
 * @param burn for a burn-rate criterion (signal {@code burnRate}): what it compares; null otherwise
 * @param regression for a regression criterion (signal {@code regression}): what it compares; null otherwise
 */
public record Criterion(
    String id,
    Tier tier,
    String signal,
    boolean condition,
    boolean above,
    double threshold,
    String thresholdText,
    long holdForMillis,
    Burn burn,
    Regression regression) {

  /**
   * What a regression criterion compares: its metric signal's window samples with the same signal's baseline, using
   * every {@link SampleSpacing#stride}-th sample of both (samples closer than {@code rateWindow} share requests).
   */
  public record Regression(RegressionCriterion test, long rateWindowMillis) {
    /** The metric signal whose samples are compared. */
    public String signal() {
      return test.signal();
    }

    /** Which samples the test uses at this interval. */
    public int stride(long intervalMillis) {
      return SampleSpacing.stride(intervalMillis, rateWindowMillis);
    }
  }

  /**
   * What a burn-rate criterion compares: the ratios of its two window signals ({@link BurnWindows#signalName}) with
   * {@code rate.factor() × (1 − budget.objective())}.
   */
  public record Burn(BurnRateCriterion rate, ErrorBudget budget, String longSignal, String shortSignal) {
    public static Burn of(BurnRateCriterion rate, ErrorBudget budget) {
      return new Burn(rate, budget, BurnWindows.signalName(Signals.ERROR_RATE, rate.longWindowMillis()),
          BurnWindows.signalName(Signals.ERROR_RATE, rate.shortWindowMillis()));
    }

    /** The sample's outcome from the two windows' readings (null: not read). */
    public BurnRateOutcome check(MetricReading longWindow, MetricReading shortWindow) {
      return BurnRateCheck.check(rate, budget, longWindow, shortWindow);
    }

    /** The finding's text: both ratios, the threshold and the burn factor. */
    public String describe(BurnRateOutcome outcome) {
      return outcome.describe(budget, BurnWindows.promDuration(rate.longWindowMillis()),
          BurnWindows.promDuration(rate.shortWindowMillis()));
    }
  }

  public static Criterion condition(Tier tier, String signal, long holdForMillis) {
    return new Criterion(tier + "/" + signal, tier, signal, true, true, 0, null, holdForMillis, null, null);
  }

  /** A burn-rate criterion: its threshold is the factor, its value the burn factor both windows sustain. */
  public static Criterion burnRate(Tier tier, Burn burn, long holdForMillis) {
    return new Criterion(tier + "/" + Signals.BURN_RATE, tier, Signals.BURN_RATE, false, true, burn.rate().factor(),
        ErrorBudget.factorText(burn.rate().factor()), holdForMillis, burn, null);
  }

  public static Criterion metric(String id, Tier tier, String signal, boolean above, double threshold,
      String thresholdText, long holdForMillis) {
    return new Criterion(id, tier, signal, false, above, threshold, thresholdText, holdForMillis, null, null);
  }

  /** A regression criterion: its threshold is {@code allowedChange}, its value the change of the means. */
  public static Criterion regression(Tier tier, Regression regression, long holdForMillis) {
    double allowed = regression.test().allowedChange();
    return new Criterion(tier + "/" + Signals.REGRESSION, tier, Signals.REGRESSION, false, true, allowed,
        "×" + Signals.format(Signals.REGRESSION, allowed), holdForMillis, null, regression);
  }

  /** The metric signal this criterion reads at each sample, null for one that reads none of its own (burn rate). */
  public String metricSignal() {
    if (condition || burn != null) {
      return null;
    }
    return regression != null ? regression.signal() : signal;
  }

  boolean isBreachedBy(double value) {
    return above ? value > threshold : value < threshold;
  }

  /** e.g. "error rate 6.5% > 5%". */
  String describeBreach(double value) {
    return Signals.describe(signal) + " " + Signals.format(signal, value) + (above ? " > " : " < ")
        + Signals.format(signal, threshold);
  }
}
