package io.rollbackguard.verdict.regression;

import java.util.Locale;

/**
 * What one look of the regression criterion found: the evidence for the finding.
 *
 * @param level this look's share of the false-alarm budget; the look flags when {@code pValue ≤ level}
 * @param shift the Hodges-Lehmann shift, current − baseline, in the signal's unit
 * @param bound the one-sided confidence bound on the shift at 1 − {@code level}, in the direction tested (a lower
 *     bound for an increase, an upper bound for a decrease)
 * @param changeOfMeans current ÷ baseline (its inverse for a decrease), against {@code allowedChange}
 * @param reason why it is inconclusive, else null
 */
public record RegressionOutcome(
    State state,
    Direction direction,
    int currentSamples,
    int baselineSamples,
    double pValue,
    double level,
    double shift,
    double bound,
    double currentMean,
    double baselineMean,
    double changeOfMeans,
    double allowedChange,
    String reason) {

  public enum State { BREACHED, NOT_BREACHED, INCONCLUSIVE }

  public static RegressionOutcome inconclusive(Direction direction, int current, int baseline, String reason) {
    return new RegressionOutcome(State.INCONCLUSIVE, direction, current, baseline, Double.NaN, Double.NaN,
        Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, reason);
  }

  public boolean breached() {
    return state == State.BREACHED;
  }

  /** Whether the rank test alone rejects: the shift in {@code direction} is significant at this look's level. */
  public boolean significant() {
    return pValue <= level;
  }

  /** Whether the means moved at least {@code allowedChange} in {@code direction}: the effect-size gate. */
  public boolean largeEnough() {
    return changeOfMeans >= allowedChange;
  }

  /**
   * e.g. "mean ×1.50 of baseline (allowed ×1.20), shift +0.52 (bound +0.31), p = 0.00002 ≤ 0.00091, 12 vs 120
   * samples"; values in the signal's unit, for the engine to put next to its own formatting.
   */
  public String describe() {
    if (state == State.INCONCLUSIVE) {
      return reason;
    }
    return String.format(Locale.ROOT, "mean ×%s of baseline (allowed ×%s), shift %+.4g (bound %+.4g), p = %.2g %s %.2g,"
            + " %d vs %d samples", ratio(changeOfMeans), ratio(allowedChange), shift, bound, pValue,
        significant() ? "≤" : ">", level, currentSamples, baselineSamples);
  }

  private static String ratio(double r) {
    return Double.isInfinite(r) ? "∞" : String.format(Locale.ROOT, "%.2f", r);
  }
}
