package io.rollbackguard.verdict.regression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** One step per counted sample: which samples are looks, what a look spends. */
class RegressionWindowTest {
  static final RegressionCriterion LATENCY = RegressionCriterion.defaults("latencyP95");
  static final double[] BASELINE = RegressionCheckTest.latencies(1, 120, 1.0);
  static final double[] SLOW = RegressionCheckTest.latencies(2, 31, 1.5);

  @Test
  void belowMinSamplesIsInconclusiveAndSpendsNothing() {
    FalseAlarmBudget budget = FalseAlarmBudget.start(LATENCY);
    RegressionWindow.Step step = RegressionWindow.step(LATENCY, Arrays.copyOf(SLOW, 9), BASELINE, 1, 31, budget);
    assertThat(step.look().state()).isEqualTo(RegressionOutcome.State.INCONCLUSIVE);
    assertThat(step.look().reason()).isEqualTo("9 current and 120 baseline samples, below minSamples 10");
    assertThat(step.budget()).isEqualTo(budget);
  }

  // The 10th sample of a 31-sample window: the first of 22 looks, at 0.02 / 22.
  @Test
  void theFirstLookTakesItsShare() {
    RegressionWindow.Step step = RegressionWindow.step(LATENCY, Arrays.copyOf(SLOW, 10), BASELINE, 1, 31,
        FalseAlarmBudget.start(LATENCY));
    assertThat(step.look().level()).isCloseTo(0.02 / 22, within(1e-15));
    assertThat(step.budget().spent()).isCloseTo(0.02 / 22, within(1e-15));
    assertThat(step.look().currentSamples()).isEqualTo(10);
  }

  // Stride 2: samples at indexes 0, 2, 4, … are used; the others are no look, and the baseline is thinned alike.
  @Test
  void samplesBetweenUsedOnesAreNoLook() {
    FalseAlarmBudget budget = FalseAlarmBudget.start(LATENCY);
    RegressionWindow.Step between = RegressionWindow.step(LATENCY, Arrays.copyOf(SLOW, 20), BASELINE, 2, 31, budget);
    assertThat(between.isLook()).isFalse();
    assertThat(between.budget()).isEqualTo(budget);
    RegressionWindow.Step used = RegressionWindow.step(LATENCY, Arrays.copyOf(SLOW, 19), BASELINE, 2, 31, budget);
    assertThat(used.isLook()).isTrue();
    assertThat(used.look().currentSamples()).isEqualTo(10);
    assertThat(used.look().baselineSamples()).isEqualTo(60);
    assertThat(used.look().level()).isCloseTo(0.02 / 7, within(1e-15)); // 16 used samples, looks from the 10th
  }

  @Test
  void anInconclusiveSampleIsNoEvidenceAndSpendsNothing() {
    double[] window = Arrays.copyOf(SLOW, 15);
    window[14] = Double.NaN;
    FalseAlarmBudget budget = new FalseAlarmBudget(0.02, 0.004);
    RegressionWindow.Step step = RegressionWindow.step(LATENCY, window, BASELINE, 1, 31, budget);
    assertThat(step.look().state()).isEqualTo(RegressionOutcome.State.INCONCLUSIVE);
    assertThat(step.budget()).isEqualTo(budget);
  }

  @Test
  void aSlowRevisionIsBreachedAndAHealthyOneIsNot() {
    assertThat(RegressionWindow.step(LATENCY, SLOW, BASELINE, 1, 31, new FalseAlarmBudget(0.02, 0.019)).look()
        .breached()).isTrue();
    double[] healthy = RegressionCheckTest.latencies(3, 31, 1.0);
    assertThat(RegressionWindow.step(LATENCY, healthy, BASELINE, 1, 31, new FalseAlarmBudget(0.02, 0.019)).look()
        .breached()).isFalse();
  }
}
