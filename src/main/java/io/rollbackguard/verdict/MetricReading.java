package io.rollbackguard.verdict;

/**
 * One metric signal's value at a sample, or why there is none.
 *
 * @param inconclusiveReason null when the value is usable
 * @param query the resolved query the value came from, for the evidence (may be null)
 */
public record MetricReading(double value, String inconclusiveReason, String query) {

  public static MetricReading of(double value) {
    return new MetricReading(value, null, null);
  }

  public static MetricReading inconclusive(String reason) {
    return new MetricReading(Double.NaN, reason, null);
  }

  /** Whether the value can be compared: present, finite, not marked inconclusive. */
  public boolean isConclusive() {
    return inconclusiveReason == null && Double.isFinite(value);
  }

  /** Why the value cannot be compared. */
  public String reason() {
    if (inconclusiveReason != null) {
      return inconclusiveReason;
    }
    return Double.isNaN(value) ? "value is NaN" : "value is infinite";
  }
}
