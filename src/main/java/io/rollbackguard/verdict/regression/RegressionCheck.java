package io.rollbackguard.verdict.regression;

/**
 * One look of the {@code regression} criterion (DESIGN §1b): the window's used samples of a signal against its
 * baseline samples. Breached when the rank-sum test finds the shift in the criterion's direction significant at
 * this look's level ({@link FalseAlarmBudget}) and the change of the means is at least {@code allowedChange};
 * inconclusive with fewer than {@code minSamples} on either side (the criterion alone: this is not the window's
 * no-data rule). Pure: the caller thins the samples ({@link SampleSpacing}) and keeps the budget.
 */
public final class RegressionCheck {
  private RegressionCheck() {}

  /**
   * @param current the window's used conclusive samples, oldest first
   * @param baseline the baseline's used conclusive samples
   * @param level this look's level, from {@link FalseAlarmBudget#levelForLook}
   */
  public static RegressionOutcome look(RegressionCriterion criterion, double[] current, double[] baseline,
      double level) {
    Direction direction = criterion.direction();
    int m = current.length;
    int n = baseline.length;
    if (m < criterion.minSamples() || n < criterion.minSamples()) {
      return RegressionOutcome.inconclusive(direction, m, n, String.format(
          "%d current and %d baseline samples, below minSamples %d", m, n, criterion.minSamples()));
    }
    double currentMean = mean(current);
    double baselineMean = mean(baseline);
    double change = direction.changeOfMeans(currentMean, baselineMean);
    if (Double.isNaN(change)) {
      return RegressionOutcome.inconclusive(direction, m, n,
          "a change of the means needs non-negative values (current mean " + currentMean + ", baseline mean "
              + baselineMean + ")");
    }
    RankSumTest.Result test = RankSumTest.test(current, baseline, direction.alternative());
    double boundConfidence = Math.min(1 - 1e-12, Math.max(1e-12, 1 - level));
    ShiftEstimate shift = ShiftEstimate.of(current, baseline, boundConfidence, direction.alternative());
    double bound = direction == Direction.increase ? shift.lower() : shift.upper();
    boolean breached = level > 0 && test.pValue() <= level && change >= criterion.allowedChange();
    return new RegressionOutcome(
        breached ? RegressionOutcome.State.BREACHED : RegressionOutcome.State.NOT_BREACHED, direction, m, n,
        test.pValue(), level, shift.estimate(), bound, currentMean, baselineMean, change,
        criterion.allowedChange(), null);
  }

  private static double mean(double[] values) {
    double s = 0;
    for (double v : values) {
      s += v;
    }
    return s / values.length;
  }
}
