package io.rollbackguard.verdict.regression;

/**
 * The standard normal distribution, for the rank test's large-sample approximation.
 *
 * <p>The cdf is Marsaglia's Taylor series, Φ(x) = ½ + φ(x)·(x + x³/3 + x⁵/(3·5) + …) (G. Marsaglia, "Evaluating
 * the Normal Distribution", Journal of Statistical Software 11(4), 2004), summed until the terms no longer change
 * the sum: absolute error about 1e-15 for |x| ≤ 7. Beyond that the tail comes from the asymptotic Mills ratio,
 * which is then accurate to better than 1e-3 relative, far below any level a window could use.
 * The quantile starts from Abramowitz &amp; Stegun 26.2.23 (error below 4.5e-4) and polishes it by Newton steps
 * on that cdf.
 */
public final class StandardNormal {
  private static final double LOG_SQRT_2PI = 0.91893853320467274178;

  private StandardNormal() {}

  /** φ(x). */
  public static double density(double x) {
    return Math.exp(-0.5 * x * x - LOG_SQRT_2PI);
  }

  /** Φ(x) = P(Z ≤ x). */
  public static double cdf(double x) {
    if (Double.isNaN(x)) {
      return Double.NaN;
    }
    if (x < -7) {
      return millsTail(-x);
    }
    if (x > 7) {
      return 1 - millsTail(x);
    }
    double sum = x;
    double term = x;
    double q = x * x;
    double previous = 0;
    for (int i = 1; sum != previous; ) {
      previous = sum;
      i += 2;
      term *= q / i;
      sum += term;
    }
    return 0.5 + sum * density(x);
  }

  /** P(Z &gt; x), without the cancellation of 1 − Φ(x) for large x. */
  public static double upperTail(double x) {
    return cdf(-x);
  }

  /** The x with Φ(x) = p, for 0 &lt; p &lt; 1. */
  public static double quantile(double p) {
    if (!(p > 0 && p < 1)) {
      if (p == 0) {
        return Double.NEGATIVE_INFINITY;
      }
      if (p == 1) {
        return Double.POSITIVE_INFINITY;
      }
      throw new IllegalArgumentException("probability must be in [0, 1]: " + p);
    }
    double tail = Math.min(p, 1 - p);
    double t = Math.sqrt(-2 * Math.log(tail));
    double x = t - (2.515517 + 0.802853 * t + 0.010328 * t * t)
        / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
    if (p < 0.5) {
      x = -x;
    }
    for (int i = 0; i < 4; i++) {
      x -= (cdf(x) - p) / density(x);
    }
    return x;
  }

  // P(Z > x) ~ φ(x)/x · (1 − 1/x² + 3/x⁴ − 15/x⁶), for x > 7.
  private static double millsTail(double x) {
    double r = 1 / (x * x);
    return density(x) / x * (1 - r + 3 * r * r - 15 * r * r * r);
  }
}
