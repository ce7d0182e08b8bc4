package io.rollbackguard.verdict.regression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The rank-sum test against values R's wilcox.test prints, each with where it comes from. */
class RankSumTestTest {
  // R's ?wilcox.test, two-sample example (Hollander & Wolfe (1973), 69f.: permeability constants of the human
  // chorioamnion at term, x, and between 12 and 26 weeks gestational age, y).
  static final double[] X = {0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46};
  static final double[] Y = {1.15, 0.88, 0.90, 0.74, 1.21};

  // W = 35; p-values of wilcox.test(x, y, alternative): two-sided 0.2544, greater 0.1272. Exact
  // (no ties, m, n < 50): 764/3003, 382/3003 and 2693/3003 by enumeration; SciPy 1.17.1 mannwhitneyu(method="exact")
  // gives the same 0.2544122544, 0.1272061272, 0.8967698968.
  @ParameterizedTest(name = "{0}: p = {1}")
  @CsvSource({
      "TWO_SIDED, 0.2544122544",
      "GREATER, 0.1272061272",
      "LESS, 0.8967698968",
  })
  void exactPValuesOfTheRDocumentationExample(Alternative alternative, double p) {
    RankSumTest.Result r = RankSumTest.test(X, Y, alternative);
    assertThat(r.u()).isEqualTo(35);
    assertThat(r.exact()).isTrue();
    assertThat(r.pValue()).isCloseTo(p, within(1e-10));
  }

  // With ties R falls back to the normal approximation with tie and continuity correction and says so
  // ("cannot compute exact p-value with ties"). Printed R sessions at https://endmemo.com/r/wilcoxon.php:
  //   x <- c(1,5,9,24,56,21,3,7,21,4); y <- c(12,15,5,9,9,14,56,22,3,7,32,5)   W = 51.5, p-value = 0.5966
  //   y <- c(1233,4356,987,39999,1111,200000)                                  W = 0,    p-value = 0.001364
  // SciPy 1.17.1 mannwhitneyu(method="asymptotic") gives 0.5965969026 and 0.0013643930.
  @ParameterizedTest(name = "W = {1}, p = {2}")
  @CsvSource(delimiter = ';', value = {
      "12 15 5 9 9 14 56 22 3 7 32 5; 51.5; 0.5965969026",
      "1233 4356 987 39999 1111 200000; 0; 0.0013643930",
  })
  void tiesUseTheCorrectedNormalApproximation(String y, double w, double p) {
    double[] x = {1, 5, 9, 24, 56, 21, 3, 7, 21, 4};
    RankSumTest.Result r = RankSumTest.test(x, parse(y), Alternative.TWO_SIDED);
    assertThat(r.u()).isEqualTo(w);
    assertThat(r.exact()).isFalse();
    assertThat(r.ties()).isTrue();
    assertThat(r.pValue()).isCloseTo(p, within(1e-9));
  }

  // The normal approximation by hand, for 50 current values all above 60 baseline ones: U = 3000 = m·n,
  // var = 50·60·111/12 = 27750, z = (3000 − 1500 − 0.5)/√27750 = 9.0016..., p = P(Z > z) ≈ 1.1e-19.
  @Test
  void largeSamplesUseTheNormalApproximation() {
    double[] current = new double[50];
    double[] baseline = new double[60];
    Arrays.setAll(current, i -> 100 + i);
    Arrays.setAll(baseline, i -> i);
    RankSumTest.Result r = RankSumTest.test(current, baseline, Alternative.GREATER);
    assertThat(r.exact()).isFalse();
    assertThat(r.u()).isEqualTo(3000);
    assertThat(r.z()).isCloseTo(1499.5 / Math.sqrt(27750), within(1e-12));
    assertThat(r.pValue()).isLessThan(1e-18);
    assertThat(RankSumTest.test(current, baseline, Alternative.LESS).pValue()).isCloseTo(1, within(1e-12));
  }

  // Mid-ranks: in x = {1, 2}, y = {2, 3} the two 2s share rank 2.5; U = (1 + 2.5) − 3 = 0.5.
  @Test
  void tiedValuesShareTheirMidRank() {
    assertThat(RankSumTest.test(new double[] {1, 2}, new double[] {2, 3}, Alternative.GREATER).u()).isEqualTo(0.5);
  }

  @Test
  void identicalValuesGiveNoEvidence() {
    double[] same = {0.2, 0.2, 0.2};
    assertThat(RankSumTest.test(same, same, Alternative.GREATER).pValue()).isEqualTo(1);
  }

  static double[] parse(String values) {
    return Arrays.stream(values.trim().split("\\s+")).mapToDouble(Double::parseDouble).toArray();
  }
}
