package io.rollbackguard.verdict.regression;

/**
 * How the regression criterion looks at every sample without inflating false alarms: the window's false-alarm
 * probability α = 1 − {@code confidence} is split evenly over the looks still planned, and a look flags only when
 * its p-value is at most its share.
 *
 * <p>Why this and not a group-sequential boundary. By Boole's inequality (Bonferroni), P(some look flags a healthy
 * window) ≤ Σ<sub>k</sub> P(look k flags) ≤ Σ<sub>k</sub> α<sub>k</sub> = α, whatever the dependence between the
 * looks. Here the looks are strongly dependent in a way the classic boundaries do not model: every look re-uses the
 * same baseline, and the current sample grows by one. Pocock (1977) or O'Brien-Fleming (1979) boundaries, and the
 * Lan-DeMets (1983) spending functions that generalize them, rest on the increments of the statistic being
 * independent (a Brownian motion in information time; Jennison &amp; Turnbull, <i>Group Sequential Methods with
 * Applications to Clinical Trials</i>, 2000, ch. 2 and 7); with a fixed shared baseline the correlation of looks
 * j &lt; k of the rank-sum statistic is √(j(k+n+1) / (k(j+n+1))), not √(j/k), so those boundaries would need
 * recomputing per baseline size. The even split needs none of that, holds for any spacing and any missing
 * samples, and is only conservative: the measured false alarms are well below α and the power is still ≥ 95 % for
 * a 50 % shift (docs/benchmarks.md, "Regression test: false alarms and power"). An even split also fires as early
 * as the data allow: an O'Brien-Fleming-like spending would hold back the early looks, where a bad rollout is
 * cheapest to stop.
 *
 * <p>The budget is a value: the engine keeps {@code spent} in its evaluation state (it survives a restart), asks
 * {@link #levelForLook} with the looks still planned from this one to the window's end (after an edit of the window
 * or interval the rest of the budget is spread over the new remainder, so the total never exceeds α), and stores
 * {@link #after}. A look below {@code minSamples} is no look and spends nothing. With a watch that keeps the
 * criterion's tier (§1b), the watch's looks are planned too: α is spread over the window's looks and the watch's,
 * so that the bound holds for the revision's whole observation, window and watch together.
 *
 * @param total α, the false-alarm probability of the whole observation (window, and watch when it has one)
 * @param spent what earlier looks of this observation used
 */
public record FalseAlarmBudget(double total, double spent) {

  public FalseAlarmBudget {
    if (!(total > 0 && total < 1) || !(spent >= 0)) {
      throw new IllegalArgumentException("false-alarm budget must be in (0, 1), spent ≥ 0: " + total + ", " + spent);
    }
  }

  /** A fresh window's budget for a criterion. */
  public static FalseAlarmBudget start(RegressionCriterion criterion) {
    return new FalseAlarmBudget(criterion.alpha(), 0);
  }

  /** The level of this look: what is left, split over {@code looksLeft} (this one included); 0 when none are. */
  public double levelForLook(int looksLeft) {
    if (looksLeft <= 0) {
      return 0;
    }
    return Math.max(0, total - spent) / looksLeft;
  }

  /** The budget once a look at {@code level} has been taken. */
  public FalseAlarmBudget after(double level) {
    return new FalseAlarmBudget(total, Math.min(total, spent + level));
  }

  public double remaining() {
    return Math.max(0, total - spent);
  }
}
