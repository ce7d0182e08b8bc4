package io.rollbackguard.verdict.regression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RankSumDistributionTest {

  // Frequencies of U for m = 3, n = 4: the 35 ways to pick 3 of the ranks 1..7, counted by hand (and in Python
  // with itertools.combinations) by U = rank sum − 6.
  @Test
  void smallDistributionIsTheCountOfArrangements() {
    int[] counts = {1, 1, 2, 3, 4, 4, 5, 4, 4, 3, 2, 1, 1};
    RankSumDistribution d = RankSumDistribution.of(3, 4);
    for (int u = 0; u < counts.length; u++) {
      assertThat(d.density(u)).as("P(U = %d)", u).isCloseTo(counts[u] / 35.0, within(1e-15));
    }
  }

  @ParameterizedTest(name = "m={0} n={1}")
  @CsvSource({"1, 1", "2, 5", "5, 2", "6, 6", "7, 9", "10, 5"})
  void matchesBruteForceEnumeration(int m, int n) {
    double[] brute = bruteForce(m, n);
    RankSumDistribution d = RankSumDistribution.of(m, n);
    for (int u = 0; u <= m * n; u++) {
      assertThat(d.density(u)).as("P(U = %d)", u).isCloseTo(brute[u], within(1e-14));
      assertThat(d.cdf(u) + d.upperTail(u + 1)).isCloseTo(1, within(1e-14));
    }
  }

  // R's ?wilcox.test two-sample example (m = 10, n = 5, W = 35): P(U ≥ 35) = 382/3003 = 0.1272061..., the
  // p-value R prints for alternative = "greater"; 382 counted by enumerating the C(15, 5) = 3003 arrangements.
  @Test
  void upperTailOfTheRDocumentationExample() {
    assertThat(RankSumDistribution.of(10, 5).upperTail(35)).isCloseTo(382 / 3003.0, within(1e-15));
  }

  // qwilcox(p, 10, 5): the smallest q with P(U ≤ q) ≥ p, from the same enumeration.
  @ParameterizedTest(name = "qwilcox({0}, 10, 5) = {1}")
  @CsvSource({"0.025, 9", "0.05, 12", "0.5, 25", "1, 50", "0, 0"})
  void quantileIsRsQwilcox(double p, int q) {
    assertThat(RankSumDistribution.of(10, 5).quantile(p)).isEqualTo(q);
  }

  @Test
  void largestExactSizesStaySymmetricAndNormalised() {
    RankSumDistribution d = RankSumDistribution.of(49, 49);
    assertThat(d.cdf(49 * 49)).isEqualTo(1);
    assertThat(d.density(100)).isCloseTo(d.density(49 * 49 - 100), within(1e-300));
    assertThat(d.cdf(49 * 49 / 2) + d.upperTail(49 * 49 / 2 + 1)).isCloseTo(1, within(1e-12));
  }

  private static double[] bruteForce(int m, int n) {
    List<int[]> subsets = new ArrayList<>();
    choose(m + n, m, 1, new int[m], 0, subsets);
    double[] p = new double[m * n + 1];
    for (int[] s : subsets) {
      int sum = 0;
      for (int r : s) {
        sum += r;
      }
      p[sum - m * (m + 1) / 2] += 1.0 / subsets.size();
    }
    return p;
  }

  private static void choose(int total, int k, int from, int[] acc, int depth, List<int[]> out) {
    if (depth == k) {
      out.add(acc.clone());
      return;
    }
    for (int r = from; r <= total; r++) {
      acc[depth] = r;
      choose(total, k, r + 1, acc, depth + 1, out);
    }
  }
}
