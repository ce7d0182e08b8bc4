package io.rollbackguard.verdict.burn;

/**
 * What a burn-rate criterion found at a sample: both ratios, the burn factors they mean, and the verdict.
 *
 * @param longRatio the error ratio over the (capped) long window; NaN when inconclusive
 * @param longFactor {@code longRatio ÷ (1 − objective)}; NaN when inconclusive
 * @param burnFactor the factor both windows sustain, the smaller of the two: what the finding headlines; NaN
 *     unless both are conclusive
 * @param threshold {@code factor × (1 − objective)}, the ratio each window must exceed
 * @param reason why it is inconclusive, else null
 */
public record BurnRateOutcome(
    State state,
    double longRatio,
    double shortRatio,
    double longFactor,
    double shortFactor,
    double burnFactor,
    double factor,
    double threshold,
    String reason) {

  public enum State { BREACHED, NOT_BREACHED, INCONCLUSIVE }

  public boolean breached() {
    return state == State.BREACHED;
  }

  /**
   * The finding's text, e.g. "error ratio 1.6% over 1h and 2.1% over 5m, above 1.44% (14.4× the budget): error
   * budget burning 16× — at this rate the month's budget is gone in 45 h".
   */
  public String describe(ErrorBudget budget, String longWindow, String shortWindow) {
    String ratios = "error ratio " + percent(longRatio) + " over " + longWindow + " and " + percent(shortRatio)
        + " over " + shortWindow + (state == State.BREACHED ? ", above " : ", threshold ") + percent(threshold)
        + " (" + ErrorBudget.factorText(factor) + " the budget)";
    if (state == State.INCONCLUSIVE) {
      return ratios + ": " + reason;
    }
    return Double.isNaN(burnFactor) ? ratios : ratios + ": " + budget.describeBurn(burnFactor);
  }

  private static String percent(double ratio) {
    if (Double.isNaN(ratio)) {
      return "unknown";
    }
    double p = ratio * 100;
    String text = p >= 10 ? String.format(java.util.Locale.ROOT, "%.1f", p)
        : String.format(java.util.Locale.ROOT, "%.3g", p);
    if (text.contains(".")) {
      text = text.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return text + "%";
  }
}
