package io.rollbackguard.verdict.regression;

/**
 * The {@code regression} criterion of DESIGN §1b, without its tier and {@code for} (the engine's, as for every
 * criterion): {@code {signal, baseline: 1h, direction: increase, allowedChange: 1.2, confidence: 0.98,
 * minSamples: 10}}.
 *
 * @param baselineMillis how far before the rollout the baseline range query reaches
 * @param allowedChange the least change of the means, as a factor ≥ 1 (current ÷ baseline; its inverse for a
 *     decrease), that counts as a regression: the effect-size gate
 * @param confidence 1 − the false-alarm probability allowed over a whole healthy window
 * @param minSamples the least number of samples the test uses on each side; fewer: inconclusive
 */
public record RegressionCriterion(
    String signal,
    long baselineMillis,
    Direction direction,
    double allowedChange,
    double confidence,
    int minSamples) {
  public static final long DEFAULT_BASELINE_MILLIS = 3_600_000;
  public static final Direction DEFAULT_DIRECTION = Direction.increase;
  public static final double DEFAULT_ALLOWED_CHANGE = 1.2;
  public static final double DEFAULT_CONFIDENCE = 0.98;
  public static final int DEFAULT_MIN_SAMPLES = 10;

  public RegressionCriterion {
    if (signal == null || signal.isBlank()) {
      throw new IllegalArgumentException("regression needs a signal");
    }
    if (baselineMillis <= 0) {
      throw new IllegalArgumentException("regression baseline must be positive");
    }
    if (direction == null) {
      throw new IllegalArgumentException("regression direction must be increase or decrease");
    }
    if (!(allowedChange >= 1) || Double.isInfinite(allowedChange)) {
      throw new IllegalArgumentException("regression allowedChange must be a factor of at least 1: " + allowedChange);
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("regression confidence must be between 0 and 1: " + confidence);
    }
    if (minSamples < 2) {
      throw new IllegalArgumentException("regression minSamples must be at least 2: " + minSamples);
    }
  }

  /** The criterion with every default but its signal. */
  public static RegressionCriterion defaults(String signal) {
    return new RegressionCriterion(signal, DEFAULT_BASELINE_MILLIS, DEFAULT_DIRECTION, DEFAULT_ALLOWED_CHANGE,
        DEFAULT_CONFIDENCE, DEFAULT_MIN_SAMPLES);
  }

  /** The false-alarm probability a healthy window may have: 1 − {@code confidence}. */
  public double alpha() {
    return 1 - confidence;
  }
}
