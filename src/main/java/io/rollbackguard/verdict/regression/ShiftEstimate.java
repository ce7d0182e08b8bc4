package io.rollbackguard.verdict.regression;

import java.util.Arrays;

/**
 * The Hodges-Lehmann estimate of the location shift of x against y, the median of the m·n differences
 * x<sub>i</sub> − y<sub>j</sub>, and the confidence bounds that invert the rank-sum test (Hodges &amp; Lehmann 1963;
 * Hollander &amp; Wolfe, <i>Nonparametric Statistical Methods</i>, 2nd ed., 1999, §4.2 and §4.3).
 *
 * <p>Exact bounds (m, n &lt; 50, no ties) are order statistics of the sorted differences chosen by the exact null
 * distribution, as R's {@code wilcox.test(conf.int = TRUE)}: two-sided (D<sub>(q)</sub>, D<sub>(mn−q+1)</sub>)
 * with q = {@code qwilcox(α/2, m, n)} (1 when 0); one-sided with q = {@code qwilcox(α, m, n)}. Otherwise q comes from
 * the large-sample approximation q = ⌊mn/2 − z·√(mn(m+n+1)/12)⌋ (at least 1), Hollander &amp; Wolfe's; R instead
 * solves the tie-corrected normal statistic for the shift with {@code uniroot}, which can differ from these bounds
 * by about one order statistic. The estimate here is always the median of the differences (R's asymptotic branch
 * reports the root of the statistic instead, which is close to it).
 *
 * @param lower −∞ for the one-sided {@link Alternative#LESS}
 * @param upper +∞ for the one-sided {@link Alternative#GREATER}
 */
public record ShiftEstimate(double estimate, double lower, double upper, double confidence, boolean exact) {

  public static ShiftEstimate of(double[] x, double[] y, double confidence, Alternative alternative) {
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be between 0 and 1: " + confidence);
    }
    int m = x.length;
    int n = y.length;
    if (m == 0 || n == 0) {
      throw new IllegalArgumentException("both samples need at least one value: " + m + ", " + n);
    }
    double[] d = new double[m * n];
    int k = 0;
    for (double xi : x) {
      for (double yj : y) {
        d[k++] = xi - yj;
      }
    }
    int mn = d.length;
    double median = mn % 2 == 1 ? select(d, mn / 2) : (select(d, mn / 2 - 1) + select(d, mn / 2)) / 2;
    double alpha = 1 - confidence;
    double tailAlpha = alternative == Alternative.TWO_SIDED ? alpha / 2 : alpha;
    boolean exact = m < RankSumTest.EXACT_LIMIT && n < RankSumTest.EXACT_LIMIT && distinct(x, y);
    int q;
    if (exact) {
      q = RankSumDistribution.of(m, n).quantile(tailAlpha);
    } else {
      double z = StandardNormal.quantile(1 - tailAlpha);
      q = (int) Math.floor(mn / 2.0 - z * Math.sqrt(mn * (m + n + 1) / 12.0));
    }
    q = Math.max(1, Math.min(q, mn)); // 1-based order statistic
    double lower = alternative == Alternative.LESS ? Double.NEGATIVE_INFINITY : select(d, q - 1);
    double upper = alternative == Alternative.GREATER ? Double.POSITIVE_INFINITY : select(d, mn - q);
    return new ShiftEstimate(median, lower, upper, confidence, exact);
  }

  /**
   * The k-th smallest value (0-based), by Hoare's quickselect with a middle pivot: O(mn) per call instead of
   * sorting the m·n differences. Reorders {@code a}, which keeps the same values.
   */
  static double select(double[] a, int k) {
    int lo = 0;
    int hi = a.length - 1;
    while (lo < hi) {
      double pivot = a[(lo + hi) >>> 1];
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (a[i] < pivot) {
          i++;
        }
        while (a[j] > pivot) {
          j--;
        }
        if (i <= j) {
          double t = a[i];
          a[i] = a[j];
          a[j] = t;
          i++;
          j--;
        }
      }
      if (k <= j) {
        hi = j;
      } else if (k >= i) {
        lo = i;
      } else {
        return a[k];
      }
    }
    return a[k];
  }

  private static boolean distinct(double[] x, double[] y) {
    double[] all = new double[x.length + y.length];
    System.arraycopy(x, 0, all, 0, x.length);
    System.arraycopy(y, 0, all, x.length, y.length);
    Arrays.sort(all);
    for (int i = 1; i < all.length; i++) {
      if (all[i] == all[i - 1]) {
        return false;
      }
    }
    return true;
  }
}
