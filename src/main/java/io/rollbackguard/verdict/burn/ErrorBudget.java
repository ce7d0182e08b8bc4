package io.rollbackguard.verdict.burn;

import java.util.Locale;

/**
 * The error budget of {@code spec.slo: {objective}}: the error ratio the objective allows, 1 − objective, spent over
 * a period (30 days, the period the default burn-rate pairs are made for). A burn factor of f spends the period's
 * budget in period ÷ f.
 */
public record ErrorBudget(double objective, long periodMillis) {
  public static final long THIRTY_DAYS_MILLIS = 30L * 24 * 3_600_000;

  public ErrorBudget {
    if (!(objective > 0 && objective < 1)) {
      throw new IllegalArgumentException("slo objective must be between 0 and 1 (e.g. 0.999): " + objective);
    }
    if (periodMillis <= 0) {
      throw new IllegalArgumentException("slo period must be positive");
    }
  }

  public static ErrorBudget monthly(double objective) {
    return new ErrorBudget(objective, THIRTY_DAYS_MILLIS);
  }

  /** 1 − objective: 0.001 for 99.9 %. */
  public double allowedErrorRatio() {
    return 1 - objective;
  }

  /** How many times faster than the objective allows an error ratio spends the budget. */
  public double burnFactor(double errorRatio) {
    return errorRatio / allowedErrorRatio();
  }

  /** period ÷ factor, in hours: 45 at 16× over 30 days; +∞ at a factor of 0. */
  public double hoursUntilSpent(double factor) {
    return factor <= 0 ? Double.POSITIVE_INFINITY : periodMillis / 3_600_000.0 / factor;
  }

  /** "error budget burning 16× — at this rate the month's budget is gone in 45 h". */
  public String describeBurn(double factor) {
    String rate = "error budget burning " + factorText(factor);
    if (!(factor > 0)) {
      return rate;
    }
    return rate + " — at this rate the " + periodName() + " budget is gone in " + durationText(hoursUntilSpent(factor));
  }

  /** 16 → "16×", 14.4 → "14.4×", 2.345 → "2.3×", 0.5 → "0.5×". */
  public static String factorText(double factor) {
    double r = factor >= 100 ? Math.round(factor) : Math.round(factor * 10) / 10.0;
    return (r == Math.rint(r) ? String.format(Locale.ROOT, "%.0f", r) : String.format(Locale.ROOT, "%.1f", r)) + "×";
  }

  private String periodName() {
    return periodMillis == THIRTY_DAYS_MILLIS ? "month's" : "period's";
  }

  private static String durationText(double hours) {
    if (hours < 1) {
      return Math.max(1, Math.round(hours * 60)) + " min";
    }
    return Math.round(hours) + " h";
  }
}
