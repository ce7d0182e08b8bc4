package io.rollbackguard.verdict.regression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FalseAlarmBudgetTest {

  // 31 samples, minSamples 10: looks at samples 10..31, 22 of them, each at 0.02 / 22.
  @Test
  void aWindowSplitsItsFalseAlarmsEvenlyOverItsLooks() {
    FalseAlarmBudget budget = FalseAlarmBudget.start(RegressionCriterion.defaults("latencyP95"));
    int looks = SampleSpacing.plannedLooks(31, 1, 10);
    assertThat(looks).isEqualTo(22);
    double total = 0;
    for (int left = looks; left > 0; left--) {
      double level = budget.levelForLook(left);
      assertThat(level).isCloseTo(0.02 / 22, within(1e-15));
      total += level;
      budget = budget.after(level);
    }
    assertThat(total).isCloseTo(0.02, within(1e-15));
    assertThat(budget.remaining()).isCloseTo(0, within(1e-15));
    assertThat(budget.levelForLook(0)).isZero();
  }

  // An edit that lengthens the window spreads what is left over the new remainder: the total stays α.
  @Test
  void aLongerWindowSpreadsWhatIsLeft() {
    FalseAlarmBudget budget = new FalseAlarmBudget(0.02, 0);
    for (int i = 0; i < 5; i++) {
      budget = budget.after(budget.levelForLook(10 - i));
    }
    assertThat(budget.spent()).isCloseTo(0.01, within(1e-15));
    double total = budget.spent();
    for (int left = 20; left > 0; left--) { // the window now has 20 more looks
      double level = budget.levelForLook(left);
      total += level;
      budget = budget.after(level);
    }
    assertThat(total).isCloseTo(0.02, within(1e-15));
  }

  // used samples = ⌈counted / stride⌉; looks = used − minSamples + 1, at least 1.
  @ParameterizedTest(name = "{0} samples, stride {1}, minSamples {2}: {3} looks")
  @CsvSource({
      "31, 1, 10, 22",
      "31, 2, 10, 7",
      "16, 1, 10, 7",
      "5, 1, 10, 1",
  })
  void plannedLooks(int counted, int stride, int minSamples, int looks) {
    assertThat(SampleSpacing.plannedLooks(counted, stride, minSamples)).isEqualTo(looks);
  }

  // stride = ⌈rateWindow ÷ interval⌉: samples closer than rateWindow share requests.
  @ParameterizedTest(name = "interval {0} ms, rateWindow {1} ms: every {2}")
  @CsvSource({
      "30000, 60000, 2",
      "60000, 60000, 1",
      "120000, 60000, 1",
      "20000, 60000, 3",
      "25000, 60000, 3",
      "1000, 60000, 60",
  })
  void strideKeepsUsedSamplesAtLeastARateWindowApart(long interval, long rateWindow, int stride) {
    assertThat(SampleSpacing.stride(interval, rateWindow)).isEqualTo(stride);
  }

  @Test
  void usedSamplesSkipTheStrideAndTheInconclusive() {
    double[] samples = {1, 2, 3, Double.NaN, 5, 6, Double.NaN, 8};
    assertThat(SampleSpacing.used(samples, 2)).containsExactly(1, 3, 5);
    assertThat(SampleSpacing.used(samples, 1)).containsExactly(1, 2, 3, 5, 6, 8);
    assertThat(SampleSpacing.isUsed(4, 2)).isTrue();
    assertThat(SampleSpacing.isUsed(3, 2)).isFalse();
  }
}
