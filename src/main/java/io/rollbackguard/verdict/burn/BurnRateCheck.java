package io.rollbackguard.verdict.burn;

import io.rollbackguard.verdict.MetricReading;

/**
 * One sample of a {@code burnRate} criterion (DESIGN §1b): breached when the error ratio over both windows is
 * strictly above {@code factor × (1 − objective)}.
 *
 * <p>The readings are those of the two windows' own used signals ({@link BurnWindows#signalName}), already through
 * the engine's traffic guard: with {@code minRequestRate} &gt; 0 and too little or unknown traffic they arrive
 * inconclusive, as {@code errorRate} does. The two windows combine as a three-valued "and": a conclusive window at
 * or under the threshold makes the sample not breached whatever the other says (the conjunction is false); else an
 * inconclusive window makes it inconclusive; else both are over and it is breached.
 */
public final class BurnRateCheck {
  private BurnRateCheck() {}

  public static BurnRateOutcome check(BurnRateCriterion criterion, ErrorBudget budget, MetricReading longWindow,
      MetricReading shortWindow) {
    double threshold = criterion.threshold(budget);
    double longRatio = ratio(longWindow);
    double shortRatio = ratio(shortWindow);
    double longFactor = budget.burnFactor(longRatio);
    double shortFactor = budget.burnFactor(shortRatio);
    boolean longOver = longRatio > threshold;
    boolean shortOver = shortRatio > threshold;
    BurnRateOutcome.State state;
    String reason = null;
    if ((!Double.isNaN(longRatio) && !longOver) || (!Double.isNaN(shortRatio) && !shortOver)) {
      state = BurnRateOutcome.State.NOT_BREACHED;
    } else if (Double.isNaN(longRatio) || Double.isNaN(shortRatio)) {
      state = BurnRateOutcome.State.INCONCLUSIVE;
      reason = Double.isNaN(longRatio) ? "long window: " + reasonOf(longWindow) : "short window: " + reasonOf(shortWindow);
    } else {
      state = BurnRateOutcome.State.BREACHED;
    }
    double burnFactor = Double.isNaN(longFactor) || Double.isNaN(shortFactor)
        ? Double.NaN : Math.min(longFactor, shortFactor);
    return new BurnRateOutcome(state, longRatio, shortRatio, longFactor, shortFactor, burnFactor,
        criterion.factor(), threshold, reason);
  }

  private static double ratio(MetricReading r) {
    return r != null && r.isConclusive() ? r.value() : Double.NaN;
  }

  private static String reasonOf(MetricReading r) {
    return r == null ? "no data" : r.reason();
  }
}
