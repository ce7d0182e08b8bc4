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
   */
  public static Step step(RegressionCriterion criterion, double[] window, double[] baseline, int stride,
      int plannedSamples, FalseAlarmBudget budget) {
    int index = window.length - 1;
    if (index < 0 || !SampleSpacing.isUsed(index, stride)) {
      return new Step(null, budget);
    }
    double[] current = SampleSpacing.used(window, stride);
    double[] before = SampleSpacing.used(baseline, stride);
    if (!Double.isFinite(window[index])) {
      return new Step(RegressionOutcome.inconclusive(criterion.direction(), current.length, before.length,
          "this sample is inconclusive"), budget);
    }
    if (current.length < criterion.minSamples() || before.length < criterion.minSamples()) {
      return new Step(RegressionCheck.look(criterion, current, before, 0), budget);
    }
    int usedSlots = (plannedSamples + stride - 1) / stride;
    int looksLeft = usedSlots - index / stride;
    double level = budget.levelForLook(looksLeft);
    return new Step(RegressionCheck.look(criterion, current, before, level), budget.after(level));
  }
}
