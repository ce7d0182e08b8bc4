package io.rollbackguard.verdict.regression;

/**
 * The exact null distribution of the Mann-Whitney statistic U (R's {@code W}: the rank sum of the first sample minus
 * m(m+1)/2) for samples of m and n values without ties: R's {@code dwilcox}/{@code pwilcox}/{@code qwilcox}.
 *
 * <p>The frequencies come from the recurrence f(m, n, u) = f(m−1, n, u−n) + f(m, n−1, u) (the largest of the m+n
 * values is either from the first sample, which then exceeds all n of the second, or from the second; Mann &amp;
 * Whitney 1947, and R's {@code cwilcox}). They are counted in doubles, which hold C(98, 49) ≈ 2.5e28 with 16 digits:
 * the probabilities are exact to rounding. Cost O(m·n·m·n/2); meant for m, n &lt; 50 (R's exact range).
 */
public final class RankSumDistribution {
  // A look asks for its (m, n) twice (p-value, then the shift's bounds), and the Deployments of one policy come to
  // the same (m, n) at the same sample. At most 256 sizes are kept (≤ 19 KB each); past that the cache starts over.
  private static final int CACHE_LIMIT = 256;
  private static final java.util.concurrent.ConcurrentHashMap<Long, RankSumDistribution> CACHE =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final int m;
  private final int n;
  private final double[] probability;

  private RankSumDistribution(int m, int n, double[] probability) {
    this.m = m;
    this.n = n;
    this.probability = probability;
  }

  public static RankSumDistribution of(int m, int n) {
    if (m < 1 || n < 1) {
      throw new IllegalArgumentException("both samples need at least one value: " + m + ", " + n);
    }
    long key = ((long) m << 32) | n;
    RankSumDistribution cached = CACHE.get(key);
    if (cached != null) {
      return cached;
    }
    RankSumDistribution made = compute(m, n);
    if (CACHE.size() >= CACHE_LIMIT) {
      CACHE.clear();
    }
    CACHE.put(key, made);
    return made;
  }

  static RankSumDistribution compute(int m, int n) {
    int max = m * n;
    // ways[i][u]: arrangements of i values of the first sample and j of the second with U = u; j grows in the loop.
    double[][] ways = new double[m + 1][max + 1];
    ways[0][0] = 1;
    for (int i = 1; i <= m; i++) {
      ways[i][0] = 1; // j = 0: every first-sample value below none
    }
    for (int j = 1; j <= n; j++) {
      for (int i = 1; i <= m; i++) {
        for (int u = i * j; u >= j; u--) {
          ways[i][u] += ways[i - 1][u - j];
        }
      }
    }
    double total = 0;
    for (double w : ways[m]) {
      total += w;
    }
    double[] p = new double[max + 1];
    for (int u = 0; u <= max; u++) {
      p[u] = ways[m][u] / total;
    }
    return new RankSumDistribution(m, n, p);
  }

  /** P(U = u). */
  public double density(int u) {
    return u < 0 || u > m * n ? 0 : probability[u];
  }

  /** P(U ≤ u): R's {@code pwilcox(u, m, n)}. */
  public double cdf(int u) {
    if (u < 0) {
      return 0;
    }
    if (u >= m * n) {
      return 1;
    }
    // sum the smaller side, for accuracy in the tails
    if (u < m * n / 2) {
      double s = 0;
      for (int k = 0; k <= u; k++) {
        s += probability[k];
      }
      return s;
    }
    return 1 - upperTail(u + 1);
  }

  /** P(U ≥ u): R's {@code pwilcox(u - 1, m, n, lower.tail = FALSE)}. */
  public double upperTail(int u) {
    if (u <= 0) {
      return 1;
    }
    if (u > m * n) {
      return 0;
    }
    if (u > m * n / 2) {
      double s = 0;
      for (int k = u; k <= m * n; k++) {
        s += probability[k];
      }
      return s;
    }
    return 1 - cdf(u - 1);
  }

  /** The smallest q with P(U ≤ q) ≥ p: R's {@code qwilcox(p, m, n)}. */
  public int quantile(double p) {
    double s = 0;
    for (int q = 0; q <= m * n; q++) {
      s += probability[q];
      // a small fuzz absorbs the rounding of the running sum, as R's qwilcox does
      if (s >= p - 1e-12) {
        return q;
      }
    }
    return m * n;
  }
}
