package io.rollbackguard.verdict.regression;

import java.util.Arrays;

/**
 * The Wilcoxon rank-sum (Mann-Whitney) test of two independent samples, computed as R's {@code wilcox.test(x, y,
 * alternative, exact = NULL, correct = TRUE)} does (R's {@code stats} package, {@code wilcox.test.default}):
 *
 * <ul>
 *   <li>U = the sum of the mid-ranks of x in the pooled sample − m(m+1)/2 (R's {@code W});
 *   <li>exact p-value from the permutation distribution ({@link RankSumDistribution}) when m &lt; 50, n &lt; 50 and
 *       the pooled sample has no ties;
 *   <li>otherwise the normal approximation, with the variance corrected for ties, m·n/12 · ((N+1) − Σ(t³−t)/(N(N−1))),
 *       and the continuity correction of ½ toward the mean (Hollander &amp; Wolfe, <i>Nonparametric Statistical
 *       Methods</i>, 2nd ed., 1999, §4.1, large-sample approximation and ties).
 * </ul>
 */
public final class RankSumTest {
  /** R's limit for the exact distribution: both samples below 50 values. */
  public static final int EXACT_LIMIT = 50;

  private RankSumTest() {}

  /**
   * @param u the Mann-Whitney statistic of x (R's {@code W}), a multiple of ½ with ties
   * @param z the standardized statistic with continuity correction; NaN when the p-value is exact
   */
  public record Result(double u, double pValue, boolean exact, boolean ties, double z, int m, int n) {}

  public static Result test(double[] x, double[] y, Alternative alternative) {
    int m = x.length;
    int n = y.length;
    if (m == 0 || n == 0) {
      throw new IllegalArgumentException("both samples need at least one value: " + m + ", " + n);
    }
    Ranks ranks = Ranks.of(x, y);
    double u = ranks.sumOfFirst() - m * (m + 1) / 2.0;
    boolean ties = ranks.tieTerm() > 0;
    if (m < EXACT_LIMIT && n < EXACT_LIMIT && !ties) {
      return new Result(u, exactPValue((int) u, m, n, alternative), true, false, Double.NaN, m, n);
    }
    int total = m + n;
    double variance = m * (double) n / 12
        * ((total + 1) - ranks.tieTerm() / ((double) total * (total - 1)));
    double centred = u - m * (double) n / 2;
    double correction = switch (alternative) {
      case GREATER -> 0.5;
      case LESS -> -0.5;
      case TWO_SIDED -> Math.signum(centred) * 0.5;
    };
    if (variance <= 0) { // every value equal: no evidence either way
      return new Result(u, 1, false, ties, 0, m, n);
    }
    double z = (centred - correction) / Math.sqrt(variance);
    double p = switch (alternative) {
      case GREATER -> StandardNormal.upperTail(z);
      case LESS -> StandardNormal.cdf(z);
      case TWO_SIDED -> 2 * Math.min(StandardNormal.cdf(z), StandardNormal.upperTail(z));
    };
    return new Result(u, Math.min(p, 1), false, ties, z, m, n);
  }

  private static double exactPValue(int u, int m, int n, Alternative alternative) {
    RankSumDistribution d = RankSumDistribution.of(m, n);
    return switch (alternative) {
      case GREATER -> d.upperTail(u);
      case LESS -> d.cdf(u);
      case TWO_SIDED -> Math.min(1, 2 * (u > m * n / 2.0 ? d.upperTail(u) : d.cdf(u)));
    };
  }

  /** Mid-ranks of the pooled sample x ∪ y, and the tie term Σ(t³ − t) over groups of t equal values. */
  record Ranks(double sumOfFirst, double tieTerm) {
    static Ranks of(double[] x, double[] y) {
      int m = x.length;
      int total = m + y.length;
      double[] pooled = new double[total];
      System.arraycopy(x, 0, pooled, 0, m);
      System.arraycopy(y, 0, pooled, m, y.length);
      Arrays.sort(pooled);
      double[] xs = x.clone();
      Arrays.sort(xs);
      double sum = 0;
      double tieTerm = 0;
      int xi = 0;
      for (int start = 0; start < total; ) {
        double value = pooled[start];
        int end = start;
        while (end + 1 < total && pooled[end + 1] == value) {
          end++;
        }
        double midRank = (start + end) / 2.0 + 1;
        int t = end - start + 1;
        tieTerm += (double) t * t * t - t;
        while (xi < m && xs[xi] == value) { // the values of x in this group of equal values
          sum += midRank;
          xi++;
        }
        start = end + 1;
      }
      return new Ranks(sum, tieTerm);
    }
  }
}
