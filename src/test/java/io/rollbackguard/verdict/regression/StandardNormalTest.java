package io.rollbackguard.verdict.regression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.data.Percentage.withPercentage;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StandardNormalTest {

  // Φ(x) to 10 digits: Abramowitz & Stegun, Handbook of Mathematical Functions, Table 26.1; also R's pnorm(x).
  @ParameterizedTest(name = "Φ({0}) = {1}")
  @CsvSource({
      "0, 0.5",
      "1, 0.8413447461",
      "1.96, 0.9750021049",
      "2, 0.9772498681",
      "3, 0.9986501020",
      "-1, 0.1586552539",
      "-2.326347874, 0.01",
  })
  void cdfMatchesTheTable(double x, double phi) {
    assertThat(StandardNormal.cdf(x)).isCloseTo(phi, within(2e-10));
  }

  // Upper tails with relative accuracy: pnorm(x, lower.tail = FALSE); checked with SciPy 1.17.1 norm.sf.
  @ParameterizedTest(name = "P(Z > {0}) = {1}")
  @CsvSource({
      "4, 3.167124183e-5",
      "5, 2.866515719e-7",
      "6, 9.865876450e-10",
      "8, 6.220960574e-16",
  })
  void upperTailKeepsItsDigitsFarOut(double x, double tail) {
    assertThat(StandardNormal.upperTail(x)).isCloseTo(tail, withPercentage(0.1));
  }

  // qnorm(p), as R gives it; checked with SciPy 1.17.1 scipy.stats.norm.ppf.
  @ParameterizedTest(name = "quantile({0}) = {1}")
  @CsvSource({
      "0.5, 0",
      "0.975, 1.959963985",
      "0.98, 2.053748911",
      "0.99, 2.326347874",
      "0.001, -3.090232306",
      "0.0000909, -3.743050050",
  })
  void quantileInvertsTheCdf(double p, double x) {
    assertThat(StandardNormal.quantile(p)).isCloseTo(x, within(1e-6));
  }
}
