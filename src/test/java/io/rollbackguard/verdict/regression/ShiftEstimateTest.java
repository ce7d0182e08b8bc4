package io.rollbackguard.verdict.regression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShiftEstimateTest {
  static final double[] X = RankSumTestTest.X;
  static final double[] Y = RankSumTestTest.Y;

  // R's ?wilcox.test two-sample data, wilcox.test(x, y, conf.int = TRUE, conf.level, alternative): the estimate is
  // median(outer(x, y, "-")) = 0.305; the bounds are R's order statistics of the 50 sorted differences with
  // q = qwilcox(α/2 or α, 10, 5) = 9 (two-sided 95%) or 12 (one-sided 95%, two-sided 90%), as in R's source
  // (stats/R/wilcox.test.R: c(diffs[qu], diffs[n.x*n.y - qu + 1])). Evaluated with that code in Python over the
  // exact distribution enumerated from all 3003 arrangements.
  @ParameterizedTest(name = "{0} at {1}: ({2}, {3})")
  @CsvSource({
      "TWO_SIDED, 0.95, -0.15, 0.76",
      "TWO_SIDED, 0.90, -0.08, 0.72",
      "GREATER, 0.95, -0.08, Infinity",
      "LESS, 0.95, -Infinity, 0.72",
  })
  void exactBoundsAreRsOrderStatistics(Alternative alternative, double confidence, double lower, double upper) {
    ShiftEstimate s = ShiftEstimate.of(X, Y, confidence, alternative);
    assertThat(s.exact()).isTrue();
    assertThat(s.estimate()).isCloseTo(0.305, within(1e-12));
    assertThat(s.lower()).isCloseTo(lower, within(1e-12));
    assertThat(s.upper()).isCloseTo(upper, within(1e-12));
  }

  // A pure shift: every difference of y + 0.5 − y over distinct values centres on 0.5.
  @Test
  void estimatesAPureShift() {
    double[] y = {1, 2, 3, 4, 5, 6, 7};
    double[] x = {1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5};
    assertThat(ShiftEstimate.of(x, y, 0.95, Alternative.TWO_SIDED).estimate()).isEqualTo(0.5);
  }

  // Where the exact branch ends (m, n < 50), the large-sample q of Hollander & Wolfe, ⌊mn/2 − z·√(mn(m+n+1)/12)⌋,
  // lands within one order statistic of the exact qwilcox(α/2, m, n): the two branches agree where they meet.
  @ParameterizedTest(name = "m={0} n={1}")
  @CsvSource({"45, 45", "30, 49", "49, 10", "20, 20"})
  void largeSampleOrderStatisticMeetsTheExactOne(int m, int n) {
    int mn = m * n;
    int exactQ = RankSumDistribution.of(m, n).quantile(0.025);
    int largeQ = (int) Math.floor(mn / 2.0 - StandardNormal.quantile(0.975) * Math.sqrt(mn * (m + n + 1) / 12.0));
    assertThat(Math.abs(exactQ - largeQ)).isLessThanOrEqualTo(1);
  }

  // Coverage of the large-sample bound: over 400 draws of 31 vs 120 log-normal values with no shift, the one-sided
  // 95% lower bound stays ≤ 0 about 95% of the time.
  @Test
  void largeSampleLowerBoundCoversTheTrueShift() {
    SplittableRandom random = new SplittableRandom(11);
    int covered = 0;
    for (int run = 0; run < 400; run++) {
      double[] x = logNormal(random, 31);
      double[] y = logNormal(random, 120);
      ShiftEstimate s = ShiftEstimate.of(x, y, 0.95, Alternative.GREATER);
      assertThat(s.exact()).isFalse();
      if (s.lower() <= 0) {
        covered++;
      }
    }
    assertThat(covered).isBetween(365, 396); // 380 ± 3.5 binomial standard deviations
  }

  @Test
  void selectionFindsTheSameOrderStatisticsAsSorting() {
    SplittableRandom random = new SplittableRandom(3);
    for (int run = 0; run < 200; run++) {
      double[] a = new double[1 + random.nextInt(300)];
      for (int i = 0; i < a.length; i++) {
        a[i] = random.nextInt(20); // many ties
      }
      double[] sorted = a.clone();
      java.util.Arrays.sort(sorted);
      int k = random.nextInt(a.length);
      assertThat(ShiftEstimate.select(a, k)).isEqualTo(sorted[k]);
    }
  }

  static double[] logNormal(SplittableRandom random, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = Math.exp(0.3 * random.nextGaussian());
    }
    return v;
  }
}
