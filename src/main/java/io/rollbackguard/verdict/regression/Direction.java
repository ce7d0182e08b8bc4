package io.rollbackguard.verdict.regression;

/** Which way a regression goes: latency and error rate get worse by going up, throughput-like signals by going down. */
public enum Direction {
  increase(Alternative.GREATER),
  decrease(Alternative.LESS);

  private final Alternative alternative;

  Direction(Alternative alternative) {
    this.alternative = alternative;
  }

  /** The rank test's alternative: current against baseline. */
  public Alternative alternative() {
    return alternative;
  }

  /** current ÷ baseline for an increase, baseline ÷ current for a decrease: how much worse, as a factor. */
  public double changeOfMeans(double currentMean, double baselineMean) {
    double worse = this == increase ? currentMean : baselineMean;
    double better = this == increase ? baselineMean : currentMean;
    if (worse < 0 || better < 0 || Double.isNaN(worse) || Double.isNaN(better)) {
      return Double.NaN; // a ratio of means only means something for non-negative signals
    }
    if (better == 0) {
      return worse == 0 ? 1 : Double.POSITIVE_INFINITY;
    }
    return worse / better;
  }
}
