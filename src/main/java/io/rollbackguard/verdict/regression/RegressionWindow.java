package io.rollbackguard.verdict.regression;

/**
 * The regression criterion over a window, one sample at a time: what the engine calls at each counted sample.
 * It picks the samples the test may use ({@link SampleSpacing}), takes this sample's share of the false-alarm budget
 * ({@link FalseAlarmBudget}) and looks ({@link RegressionCheck}).
 *
 * <p>A sample between used ones (closer than {@code rateWindow} to the last used one) is no look: the step says so
 * and the engine repeats the criterion's last outcome. A used sample that is itself inconclusive, or a look with
 * fewer than {@code minSamples} on either side, is inconclusive and spends nothing.
 */
public final class RegressionWindow {
  /** What a verdict keeps of a regression's samples (lint rejects a window that would use more). */
  public static final int MAX_KEPT_SAMPLES = 64;

  private RegressionWindow() {}

  /**
   * @param look the look's outcome; null when this sample is no look
   * @param budget the budget after this sample, to keep in the evaluation state
   */
  public record Step(RegressionOutcome look, FalseAlarmBudget budget) {
    public boolean isLook() {
      return look != null;
    }
  }

  /**
   * @param window the window's counted samples of the signal so far, oldest first, this sample last; NaN where a
   *     sample was inconclusive
   * @param baseline the baseline range query's points, oldest first, at the policy's interval; NaN where missing
   * @param stride {@link SampleSpacing#stride}, for the window and the baseline alike
   * @param plannedSamples how many samples the window counts in all (⌊(window − initialDelay) ÷ interval⌋ + 1 for
   *     a rollout on the grid; recomputed after an edit)
   * @param laterLooks the looks planned after the window, the watch's; 0 without a watch
   */
  public static Step step(RegressionCriterion criterion, double[] window, double[] baseline, int stride,
      int plannedSamples, int laterLooks, FalseAlarmBudget budget) {
    int index = window.length - 1;
    if (index < 0 || !SampleSpacing.isUsed(index, stride)) {
      return new Step(null, budget);
    }
    int usedSlots = (int) SampleSpacing.usedCount(plannedSamples, stride);
    return look(criterion, SampleSpacing.used(window, stride), SampleSpacing.used(baseline, stride),
        Double.isFinite(window[index]), usedSlots - index / stride + laterLooks, budget);
  }

  /**
   * One look at used samples, in the window or the watch: what is left of the budget, split over {@code looksLeft}
   * (this one included). An inconclusive sample, or fewer than {@code minSamples} on either side, spends nothing.
   *
   * @param current the used conclusive samples the look compares, oldest first
   * @param baseline the baseline's used conclusive samples
   * @param conclusive whether this sample itself is conclusive (its value then is {@code current}'s last)
   */
  public static Step look(RegressionCriterion criterion, double[] current, double[] baseline, boolean conclusive,
      int looksLeft, FalseAlarmBudget budget) {
    if (!conclusive) {
      return new Step(RegressionOutcome.inconclusive(criterion.direction(), current.length, baseline.length,
          "this sample is inconclusive"), budget);
    }
    if (current.length < criterion.minSamples() || baseline.length < criterion.minSamples()) {
      return new Step(RegressionCheck.look(criterion, current, baseline, 0), budget);
    }
    double level = budget.levelForLook(looksLeft);
    return new Step(RegressionCheck.look(criterion, current, baseline, level), budget.after(level));
  }

  /**
   * How many of the latest used samples a watch look (DESIGN §1b) compares with the baseline: as many as the window
   * uses ({@code windowUsedSlots}), at least {@code minSamples} and at most {@link #MAX_KEPT_SAMPLES}, so that a
   * regression that shows late is not diluted by the window's healthy samples.
   */
  public static int watchedSamples(RegressionCriterion criterion, int windowUsedSlots) {
    return Math.max(criterion.minSamples(), Math.min(MAX_KEPT_SAMPLES, windowUsedSlots));
  }
}
